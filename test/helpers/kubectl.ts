// Runs real kubectl binaries of several versions against a kubeconfig (execFile, never a shell).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { repoRoot, type ControlPlane } from './controlplane.js';

export const KUBECTL_VERSIONS = ['1.20', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'] as const;
export type KubectlVersion = (typeof KUBECTL_VERSIONS)[number];

/** The versions the acceptance names. */
export const ACCEPTANCE_VERSIONS: readonly KubectlVersion[] = ['1.32', '1.27', '1.33', '1.20'];

export const KUBECTL_120 = join(repoRoot, '.tmp', 'kubectl-1.20', 'usr', 'bin', 'kubectl');

/** Finds `kubectl` on PATH (first hit, like the shell). */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${name} is not on PATH`);
}

/**
 * The binary for a version: 1.32 is `kubectl` on PATH; 1.27…1.33 are `kubectl.1.NN` beside
 * its real path (the Google Cloud SDK's bin folder); 1.20 is Debian's `kubernetes-client`
 * extracted by scripts/fetch-kubectl-1.20.sh.
 */
export function kubectlBinary(version: KubectlVersion): string {
  if (version === '1.32') return onPath('kubectl');
  if (version === '1.20') {
    if (!existsSync(KUBECTL_120)) {
      throw new Error(`kubectl 1.20 is missing at ${KUBECTL_120}: run scripts/fetch-kubectl-1.20.sh`);
    }
    return KUBECTL_120;
  }
  const beside = join(dirname(realpathSync(onPath('kubectl'))), `kubectl.${version}`);
  if (!existsSync(beside)) throw new Error(`kubectl ${version} is missing at ${beside}`);
  return beside;
}

export function hasKubectl(version: KubectlVersion): boolean {
  try {
    kubectlBinary(version);
    return true;
  } catch {
    return false;
  }
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  cwd?: string;
}

export interface KubectlResult {
  /** Exit code; -1 when killed (timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  kubeconfig: string;
  version?: KubectlVersion;
  /** `--cache-dir`: one per test file (and version) so discovery caches never leak. */
  cacheDir: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class Kubectl {
  readonly version: KubectlVersion;
  readonly binary: string;
  private readonly kubeconfig: string;
  private readonly cacheDir: string;

  constructor(opts: KubectlOptions) {
    this.version = opts.version ?? '1.32';
    this.binary = kubectlBinary(this.version);
    this.kubeconfig = opts.kubeconfig;
    this.cacheDir = join(opts.cacheDir, this.version);
  }

  /** The global flags every invocation carries. */
  private globalArgs(): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir];
  }

  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    return execKubectl(this.binary, [...this.globalArgs(), ...args], opts);
  }

  /** Runs and throws (with both streams) unless kubectl exits 0; returns stdout. */
  async ok(args: string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) {
      throw new Error(`kubectl ${this.version} ${args.join(' ')} exited ${r.code}\n` +
        `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    }
    return r.stdout;
  }

  /** Starts a long-running kubectl (e.g. `get -w`) whose output is read line by line. */
  stream(args: string[], opts: RunOptions = {}): KubectlStream {
    return new KubectlStream(this.binary, [...this.globalArgs(), ...args], opts);
  }
}

function childEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.KUBECONFIG; // --kubeconfig is explicit; never merge the user's configs
  return env;
}

export function execKubectl(binary: string, args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(binary, args, {
      env: childEnv(opts.env),
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const note = err && code === -1 ? `\n[killed: ${err.message}]` : '';
      resolve({ code, stdout, stderr: stderr + note });
    });
    if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    else child.stdin?.end();
  });
}

/** A kubectl process whose stdout lines are collected as they arrive. */
export class KubectlStream {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  private waiters: (() => void)[] = [];
  private exitedFlag = false;

  constructor(binary: string, args: string[], opts: RunOptions) {
    this.proc = spawn(binary, args, { env: childEnv(opts.env), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    liveStreams.add(this.proc);
    this.proc.stdout!.setEncoding('utf8').on('data', (s: string) => { this.stdout += s; this.wake(); });
    this.proc.stderr!.setEncoding('utf8').on('data', (s: string) => { this.stderr += s; this.wake(); });
    this.proc.once('exit', () => {
      this.exitedFlag = true;
      liveStreams.delete(this.proc);
      this.wake();
    });
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l.length > 0);
  }

  /** Resolves with the `nth` complete stdout line matching; rejects on timeout or exit. */
  async waitForLine(match: RegExp, timeoutMs = 15_000, nth = 1): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const complete = this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1);
      const hits = complete.split('\n').filter((l) => match.test(l));
      if (hits.length >= nth) return hits[nth - 1]!;
      if (this.exitedFlag) throw new Error(this.failure(`exited before printing ${match}`));
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(this.failure(`printed no line matching ${match} in ${timeoutMs} ms`));
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
  }

  /** SIGTERM by PID, SIGKILL after a second. */
  async stop(): Promise<void> {
    if (this.exitedFlag) return;
    const exited = new Promise<void>((res) => this.proc.once('exit', () => res()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => { if (!this.exitedFlag) this.proc.kill('SIGKILL'); }, 1000);
    await exited;
    clearTimeout(t);
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private failure(what: string): string {
    return `kubectl stream ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }
}

const liveStreams = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of liveStreams) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** A kubectl of the given version for this control plane, caching discovery under its temp root. */
export function kubectlFor(cp: ControlPlane, version: KubectlVersion = '1.32'): Kubectl {
  return new Kubectl({ kubeconfig: cp.kubeconfig, version, cacheDir: join(cp.root, 'kubectl-cache') });
}
