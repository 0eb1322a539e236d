// kube-scheduler as a component of the control-plane process: its own identity
// (system:kube-scheduler, bound to upstream's role at bootstrap), its own informers and event
// recorder, so it could move to a process of its own unchanged.
import { ApiClient } from '../client/client.js';
import { createEventRecorder } from '../client/events.js';
import { SharedInformerFactory } from '../controllers/informers.js';
import type { ComponentUser } from '../controllers/manager.js';
import { DEFAULT_SCHEDULER_NAME, Scheduler, type SchedulerOptions } from './index.js';

export interface SchedulerComponentConfig {
  server: string;
  caPem: string;
  tokenFor(user: ComponentUser): string;
  options?: SchedulerOptions;
  log?: (message: string) => void;
}

export interface RunningScheduler {
  readonly scheduler: Scheduler;
  /** Its caches are synced and its scheduling loop runs. */
  healthy(): boolean;
  stop(): Promise<void>;
}

export const SCHEDULER_USER: ComponentUser = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };

export async function startScheduler(config: SchedulerComponentConfig): Promise<RunningScheduler> {
  const connect = () => new ApiClient({ server: config.server, caPem: config.caPem, token: config.tokenFor(SCHEDULER_USER), userAgent: 'kube-scheduler skiff' });
  const client = connect();
  // Events have a client of their own (as upstream's scheduler does), so they never delay bindings.
  const eventClient = connect();
  const informers = new SharedInformerFactory(client);
  const recorder = createEventRecorder(eventClient, DEFAULT_SCHEDULER_NAME, undefined, { log: config.log });
  const scheduler = new Scheduler({ client, informers, recorder, options: config.options });
  await scheduler.start();
  return {
    scheduler,
    healthy: () => scheduler.running(),
    async stop() {
      scheduler.stop();
      informers.stop();
      await Promise.race([recorder.flush(), new Promise((r) => setTimeout(r, 2000).unref())]);
      await scheduler.whenStopped();
      client.close();
      eventClient.close();
    },
  };
}
