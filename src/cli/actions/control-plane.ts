// `skiff control-plane`'s action: runs the API server, scheduler and controller-manager in this
// process. Loaded only when the command runs (../commands/control-plane.ts registers it).
import { startControlPlane } from '../../cluster/controlplane.js';
import { selectControllers } from '../../controllers/manager.js';
import { UserError } from '../errors.js';
import { exitOnSignals } from '../signals.js';

export interface ControlPlaneFlags {
  dataDir: string;
  listen: string;
  kubeconfigOut?: string;
  nodeKubeconfigOut?: string;
  nodeName?: string;
  advertiseAddress?: string;
  san: string[];
  nodeMonitorGracePeriod?: string;
  defaultTolerationSeconds?: string;
  controllers: string;
  scheduler: boolean;
}

/** Splits "127.0.0.1:6443" or "[::1]:6443" into host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) throw new UserError(`invalid --listen "${listen}"`, 'give an address and a port, such as 127.0.0.1:6443 (port 0 picks a free one)');
  const port = Number(m[3]);
  if (port > 65535) throw new UserError(`invalid --listen port ${port}`, 'use a port from 0 to 65535');
  return { host: m[1] ?? m[2]!, port };
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)s?$/.exec(value);
  if (!m || Number(m[1]) < 1) throw new UserError(`invalid ${flag} "${value}"`, 'give a whole number of seconds, such as 40 or 40s');
  return Number(m[1]);
}

export async function runControlPlane(flags: ControlPlaneFlags): Promise<void> {
  const { host, port } = parseListen(flags.listen);
  const grace = seconds('--node-monitor-grace-period', flags.nodeMonitorGracePeriod);
  const toleration = seconds('--default-toleration-seconds', flags.defaultTolerationSeconds);
  try {
    selectControllers(flags.controllers);
  } catch (err) {
    throw new UserError(`invalid --controllers: ${(err as Error).message}`, 'list controller names, such as *,-nodelifecycle');
  }
  const controlPlane = await startControlPlane({
    dataDir: flags.dataDir,
    host,
    port,
    extraSans: flags.san,
    advertiseAddress: flags.advertiseAddress,
    kubeconfigOut: flags.kubeconfigOut,
    nodeKubeconfigOut: flags.nodeKubeconfigOut,
    nodeName: flags.nodeName,
    controllers: flags.controllers,
    scheduler: flags.scheduler,
    controllerOptions: {
      ...(grace !== undefined ? { nodeMonitorGracePeriodSeconds: grace } : {}),
      ...(toleration !== undefined ? { defaultTolerationSeconds: toleration } : {}),
    },
  });
  process.stderr.write(`skiff control-plane listening on ${controlPlane.address}\n`);
  exitOnSignals(() => controlPlane.stop());
}
