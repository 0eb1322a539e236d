// Starts `skiff control-plane` as a real child process on a fresh temporary directory, waits for
// the kubeconfig it writes once ready, and stops it by its own PID (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skiffBin = join(repoRoot, 'bin', 'skiff.js');
const builtEntry = join(repoRoot, 'dist', 'cli', 'main.js');

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface StartOptions {
  /** `127.0.0.1:0` unless given. */
  listen?: string;
  /** Extra arguments for `skiff control-plane`. */
  extraArgs?: string[];
  readyTimeoutMs?: number;
  /** Script (and leading args) run by node instead of bin/skiff.js; for the harness's own tests. */
  command?: string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The API server alone, with no controllers and no scheduler, as kube-apiserver runs by itself:
 * for tests of API semantics, where objects must stay exactly as the test wrote them.
 */
export const API_SERVER_ONLY: StartOptions = { extraArgs: ['--controllers=-*', '--no-scheduler'] };

/** One running (or stopped) control plane and the temporary directory that holds its state. */
export class ControlPlane {
  /** The temporary root: data/, kubeconfig, kubectl-cache/ and files the test writes. */
  readonly root: string;
  readonly dataDir: string;
  readonly kubeconfig: string;
  private proc: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private stderrText = '';
  private lastListen = '127.0.0.1:0';
  private command = [skiffBin];
  /** Kept for restarts, like the command. */
  private extraArgs: string[] = [];
  /** The https URL the running server printed. */
  server = '';
  port = 0;

  constructor(root: string) {
    this.root = root;
    this.dataDir = join(root, 'data');
    this.kubeconfig = join(root, 'kubeconfig');
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Everything the current process wrote to stderr so far. */
  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(opts: StartOptions = {}): Promise<void> {
    if (this.running) throw new Error('control plane already running');
    this.lastListen = opts.listen ?? '127.0.0.1:0';
    await rm(this.kubeconfig, { force: true });
    this.stderrText = '';
    this.command = opts.command ?? this.command;
    this.extraArgs = opts.extraArgs ?? this.extraArgs;
    const args = [
      ...this.command, 'control-plane',
      '--data-dir', this.dataDir,
      '--listen', this.lastListen,
      '--kubeconfig-out', this.kubeconfig,
      ...this.extraArgs,
    ];
    const proc = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    this.exited = new Promise<Exit>((res) => {
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        res({ code, signal });
      });
    });
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => { this.stderrText += s; });
    proc.stderr?.setEncoding('utf8').on('data', (s: string) => { this.stderrText += s; });
    await this.waitReady(opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
  }

  /** Stops and starts again on the same data dir; by default on the same address. */
  async restart(opts: StartOptions = {}): Promise<Exit> {
    const exit = await this.stop();
    await this.start({ listen: opts.listen ?? `127.0.0.1:${this.port}`, ...opts });
    return exit;
  }

  /** SIGTERM by PID; SIGKILL if it is still alive after the timeout. */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<Exit> {
    const proc = this.proc;
    const exited = this.exited;
    if (!proc || !exited) return { code: null, signal: null };
    if (!this.running) return exited;
    process.kill(proc.pid!, 'SIGTERM');
    const timer = sleep(timeoutMs).then(() => 'timeout' as const);
    if ((await Promise.race([exited, timer])) === 'timeout') {
      if (this.running) process.kill(proc.pid!, 'SIGKILL');
    }
    return exited;
  }

  /** Stops the server (if running) and removes the temporary directory. Never throws. */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await rm(this.root, { recursive: true, force: true });
    }
  }

  /** The kubeconfig's CA, token and server, for raw HTTPS requests. */
  async credentials(): Promise<{ server: string; ca: string; token: string }> {
    return parseKubeconfig(await readFile(this.kubeconfig, 'utf8'));
  }

  /** A path inside the temporary root (created directories included). */
  async path(...parts: string[]): Promise<string> {
    const p = join(this.root, ...parts);
    await mkdir(dirname(p), { recursive: true });
    return p;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const exit = await this.exited!;
        throw new Error(`skiff control-plane exited (${describeExit(exit)}) before it was ready.\n` +
          `stderr:\n${this.stderrText}`);
      }
      if (await this.kubeconfigReady()) {
        this.readAddress();
        return;
      }
      await sleep(50);
    }
    const pid = this.proc?.pid;
    await this.stop();
    throw new Error(`skiff control-plane (pid ${pid}) wrote no kubeconfig at ${this.kubeconfig} ` +
      `within ${timeoutMs} ms.\nstderr:\n${this.stderrText}`);
  }

  private async kubeconfigReady(): Promise<boolean> {
    try {
      const st = await stat(this.kubeconfig);
      if (st.size === 0) return false;
      const text = await readFile(this.kubeconfig, 'utf8');
      parseKubeconfig(text);
      return true;
    } catch {
      return false;
    }
  }

  private readAddress(): void {
    const m = /listening on (https:\/\/[^\s]+)/.exec(this.stderrText);
    if (m) {
      this.server = m[1]!;
      this.port = Number(new URL(this.server).port);
    }
  }
}

/** A control plane on a fresh directory under os.tmpdir(). Call dispose() in afterAll. */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  if (!opts.command) ensureBuilt();
  const root = await mkdtemp(join(tmpdir(), 'skiff-it-'));
  const cp = new ControlPlane(root);
  try {
    await cp.start(opts);
  } catch (err) {
    await cp.dispose();
    throw err;
  }
  if (!cp.server) {
    const creds = await cp.credentials();
    cp.server = creds.server;
    cp.port = Number(new URL(creds.server).port);
  }
  return cp;
}

function ensureBuilt(): void {
  if (!existsSync(builtEntry)) {
    throw new Error(`${builtEntry} is missing: build first with \`npx tsc -p tsconfig.json\``);
  }
}

interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { token?: string } }[];
}

/** Reads the admin kubeconfig skiff writes: server, CA (PEM) and bearer token. */
export function parseKubeconfig(text: string): { server: string; ca: string; token: string } {
  const doc = yaml.load(text) as KubeconfigDoc | undefined;
  const cluster = doc?.clusters?.[0]?.cluster;
  const token = doc?.users?.[0]?.user?.token;
  if (!doc?.['current-context'] || !cluster?.server || !token) {
    throw new Error('kubeconfig is incomplete (current-context, cluster server or user token missing)');
  }
  const ca = Buffer.from(cluster['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  return { server: cluster.server, ca, token };
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

// Every child still alive when the test worker exits is killed, even after a crash.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
