// Starts `skiff agent` as a real child process and stops it by its own PID (SIGTERM, then SIGKILL);
// every agent still alive when the test process exits is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type Exit } from './controlplane.js';

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
