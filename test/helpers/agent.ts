// Starts `skiff agent` as a real child process and stops it by its own PID (SIGTERM, then SIGKILL);
// every agent still alive when the test process exits is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { repoRoot, type Exit } from './controlplane.js';
import { eventually, row, type Suite } from './suite.js';

const skiffBin = join(repoRoot, 'bin', 'skiff.js');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
});

export class AgentProcess {
  readonly proc: ChildProcess;
  /** stdout and stderr, interleaved. */
  output = '';
  readonly exited: Promise<Exit>;

  /** `args` follow `skiff agent`. */
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [skiffBin, 'agent', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => { this.output += d; });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => { this.output += d; });
    this.exited = new Promise((res) => this.proc.once('exit', (code, signal) => res({ code, signal })));
    live.add(this.proc);
    void this.exited.then(() => live.delete(this.proc));
  }

  /** A hollow node (`--runtime fake`) named `node`. */
  static hollow(kubeconfig: string, node: string, extra: string[] = []): AgentProcess {
    return new AgentProcess(['--kubeconfig', kubeconfig, '--node-name', node, '--runtime', 'fake', ...extra]);
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** SIGKILL by PID: the node goes silent, as when its machine dies. */
  async kill(): Promise<Exit> {
    if (this.running) process.kill(this.proc.pid!, 'SIGKILL');
    return this.exited;
  }

  /** SIGTERM by PID; SIGKILL if still alive after 10 s. */
  async stop(): Promise<Exit> {
    if (!this.running) return this.exited;
    process.kill(this.proc.pid!, 'SIGTERM');
    const timer = setTimeout(() => { if (this.running) process.kill(this.proc.pid!, 'SIGKILL'); }, 10_000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/**
 * Hollow nodes for one test file, started in beforeAll once the control plane runs (call after
 * useControlPlane) and waited on until kubectl shows each Ready; stopped in afterAll.
 */
export function useHollowNodes(s: Suite, kubeconfig: string, names: string[], extra: string[] = []): AgentProcess[] {
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    for (const n of names) agents.push(AgentProcess.hollow(kubeconfig, n, extra));
    await eventually(async () => {
      const out = await s.kubectl('1.32').ok(['get', 'nodes']);
      for (const n of names) expect(row(out, n)[1]).toBe('Ready');
    }, 30_000, 250).catch((err) => {
      throw new Error(`${err}\n${agents.map((a, i) => `agent ${names[i]}:\n${a.output}`).join('\n')}`);
    });
  }, 90_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
  });
  return agents;
}
