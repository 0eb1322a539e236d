// `skiff pause` / `skiff unpause`'s actions, loaded only when one of them runs
// (../commands/pause.ts registers them).
import { pauseCluster, unpauseCluster } from '../../cluster/pause.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { profileOf, withReporter, type CommonFlags } from './common.js';

export async function pause(flags: CommonFlags): Promise<void> {
  const profile = profileOf(flags);
  const n = await withReporter(flags, (sink) => pauseCluster(new DockerDriver(), sink, profile));
  process.stderr.write(`Paused ${n} container${n === 1 ? '' : 's'} of "${profile}"\n`);
}

export async function unpause(flags: CommonFlags): Promise<void> {
  const profile = profileOf(flags);
  const n = await withReporter(flags, (sink) => unpauseCluster(new DockerDriver(), sink, profile));
  process.stderr.write(`Unpaused ${n} container${n === 1 ? '' : 's'} of "${profile}"\n`);
}
