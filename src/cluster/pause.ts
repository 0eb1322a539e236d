// `skiff pause` / `skiff unpause`: every node container and every pod container of the profile
// frozen (the cgroup freezer, as `docker pause`) and thawed; state and addresses stay.
import type { Driver } from '../driver/driver.js';
import { profileNodes } from './access.js';
import { markStatus } from './lifecycle.js';
import { runStep, type EventSink } from './progress.js';

export async function pauseCluster(driver: Driver, sink: EventSink, profile: string): Promise<number> {
  await profileNodes(driver, profile);
  const n = await runStep(sink, 'pause', `Pausing the nodes and pods of ${profile}`, () => driver.pauseProfile(profile));
  markStatus(profile, 'Paused');
  return n;
}

export async function unpauseCluster(driver: Driver, sink: EventSink, profile: string): Promise<number> {
  await profileNodes(driver, profile);
  const n = await runStep(sink, 'unpause', `Unpausing the nodes and pods of ${profile}`, () => driver.unpauseProfile(profile));
  markStatus(profile, 'Running');
  return n;
}
