// `skiff kubectl`'s action: the kubectl on PATH against the profile's context. Apart from
// lifecycle.ts so that it loads neither the driver nor the cluster code, which it never uses.
import { spawn } from 'node:child_process';
import { ExitCode, UserError } from '../errors.js';
import { profileOf, type CommonFlags } from './activeprofile.js';

export async function kubectl(args: string[], flags: CommonFlags): Promise<void> {
  const child = spawn('kubectl', ['--context', profileOf(flags), ...args], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code === -1) throw new UserError('kubectl is not on PATH', 'install kubectl (https://kubernetes.io/docs/tasks/tools/)', ExitCode.notFound);
  process.exitCode = code;
}
