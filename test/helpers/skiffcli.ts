// The real CLI as a user runs it (`node bin/skiff.js …`), with the environment a test gives it
// (its own SKIFF_HOME and KUBECONFIG): never throws, so tests can check exit codes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './controlplane.js';

const run = promisify(execFile);

export interface SkiffResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function skiffCli(env: NodeJS.ProcessEnv): (...args: string[]) => Promise<SkiffResult> {
  return async (...args) => {
    try {
      const r = await run(process.execPath, [join(repoRoot, 'bin', 'skiff.js'), ...args], { env, cwd: repoRoot, timeout: 180_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
}
