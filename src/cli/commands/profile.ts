// `skiff profile list [-o json]`: every profile, minikube's columns, the active one marked.
// Registration only: the profiles and their live status load when the command runs (../actions/profile.ts).
import type { Command } from 'commander';
import type { StatusOf } from '../actions/profile.js';

/** statusOf: how a profile's live status is found; by default, asking the Docker engine. */
export function registerProfile(program: Command, statusOf?: StatusOf): void {
  const profile = program.command('profile').description('list profiles (each profile is one cluster)');
  profile
    .command('list')
    .description('list every profile with its driver, address, status and node count')
    .option('-o, --output <format>', 'table or json')
    .action(async (flags: { output?: string }) => {
      const { runProfileList } = await import('../actions/profile.js');
      const { stdout, stderr } = await runProfileList(flags, statusOf);
      process.stdout.write(stdout);
      process.stderr.write(stderr);
    });
}
