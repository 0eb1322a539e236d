// `skiff pause` / `skiff unpause`: freeze and thaw every node and pod container of the profile.
import type { Command } from 'commander';
import { pauseCluster, unpauseCluster } from '../../cluster/pause.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { profileOf, withReporter, type CommonFlags } from './common.js';
import { profileFlag } from './profileflag.js';

export function registerPause(program: Command): void {
  profileFlag(program.command('pause').description('pause the cluster: every node and pod container frozen, state kept'))
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags) => {
      const profile = profileOf(flags);
      const n = await withReporter(flags, (sink) => pauseCluster(new DockerDriver(), sink, profile));
      process.stderr.write(`Paused ${n} container${n === 1 ? '' : 's'} of "${profile}"\n`);
    });
  profileFlag(program.command('unpause').description('unpause a paused cluster'))
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags) => {
      const profile = profileOf(flags);
      const n = await withReporter(flags, (sink) => unpauseCluster(new DockerDriver(), sink, profile));
      process.stderr.write(`Unpaused ${n} container${n === 1 ? '' : 's'} of "${profile}"\n`);
    });
}
