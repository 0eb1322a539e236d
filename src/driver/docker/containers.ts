// ContainerEngine on Docker: the pods' sandboxes and containers, siblings of the node containers.
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import type { ContainerEngine, ContainerSpec, EngineContainer, EngineEvent } from '../engine.js';
import { call, isNotFound, statusOf, wrap } from './engine.js';

/** Docker's zero time, which it reports for "never started" or "still running". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function rfc3339(text: string | undefined): string | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  return new Date(text).toISOString().replace(/\.\d+Z$/, 'Z');
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

/** The create options for a spec (docker run's flags, in the Engine API's words). */
export function createOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const host: Docker.HostConfig = { Init: spec.init ?? false };
  if (spec.memoryBytes) host.Memory = spec.memoryBytes;
  if (spec.nanoCpus) host.NanoCpus = spec.nanoCpus;
  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: spec.env.map((e) => `${e.name}=${e.value}`),
    Labels: spec.labels,
    HostConfig: host,
  };
  if (spec.entrypoint) options.Entrypoint = spec.entrypoint;
  if (spec.cmd) options.Cmd = spec.cmd;
  if (spec.workingDir) options.WorkingDir = spec.workingDir;
  if (spec.network.mode === 'container') {
    host.NetworkMode = `container:${spec.network.containerId}`;
  } else {
    const n = spec.network;
    options.Hostname = n.hostname;
    host.NetworkMode = n.network;
    host.Dns = n.dns;
    host.DnsSearch = n.dnsSearch;
    host.DnsOptions = n.dnsOptions;
    options.NetworkingConfig = { EndpointsConfig: { [n.network]: { IPAMConfig: { IPv4Address: n.ip } } } };
  }
  return options;
}

export function fromInspect(info: Docker.ContainerInspectInfo): EngineContainer {
  const s = info.State;
  const state: EngineContainer['state'] = s.Paused ? 'paused' : s.Running ? 'running' : s.Status === 'created' ? 'created' : 'exited';
  const ip = Object.values(info.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).find(Boolean);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: info.Config.Labels ?? {},
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt: rfc3339(info.Created) ?? new Date().toISOString(),
    startedAt: rfc3339(s.StartedAt),
    finishedAt: s.FinishedAt === ZERO_TIME ? undefined : rfc3339(s.FinishedAt),
    exitCode: state === 'exited' || s.Error ? s.ExitCode : undefined,
    oomKilled: s.OOMKilled,
    error: s.Error || undefined,
    ip: ip || undefined,
  };
}

export class DockerContainerEngine implements ContainerEngine {
  constructor(private readonly docker: Docker) {}

  async version(): Promise<string> {
    const v = await call('read the engine version', () => this.docker.version());
    return `docker://${v.Version}`;
  }

  async imageId(reference: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(reference).inspect()).Id;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrap(`inspect image ${reference}`, err);
    }
  }

  async run(spec: ContainerSpec): Promise<EngineContainer> {
    const container = await call(`create container ${spec.name}`, () => this.docker.createContainer(createOptions(spec)));
    try {
      await container.start();
    } catch (err) {
      // The engine keeps the reason (a missing executable, say) in the container's state.
      if (statusOf(err) === undefined) throw wrap(`start container ${spec.name}`, err);
    }
    return fromInspect(await call(`inspect container ${spec.name}`, () => container.inspect()));
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (err) {
      if (statusOf(err) === 304 || isNotFound(err)) return;
      throw wrap(`stop container ${id.slice(0, 12)}`, err);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw wrap(`remove container ${id.slice(0, 12)}`, err);
    }
  }

  async inspect(id: string): Promise<EngineContainer | undefined> {
    try {
      return fromInspect(await this.docker.getContainer(id).inspect());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrap(`inspect container ${id.slice(0, 12)}`, err);
    }
  }

  async list(labels: Record<string, string>): Promise<EngineContainer[]> {
    const found = await call('list containers', () => this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } }));
    const inspected = await Promise.all(found.map((c) => this.inspect(c.Id)));
    return inspected.filter((c): c is EngineContainer => c !== undefined);
  }

  watch(labels: Record<string, string>, onEvent: (event: EngineEvent) => void): () => void {
    let stream: IncomingMessage | undefined;
    let stopped = false;
    let buffer = '';
    const filters = { type: ['container' as const], event: ['start', 'die'], label: labelFilters(labels) };
    void this.docker.getEvents({ filters }).then((s) => {
      stream = s as IncomingMessage;
      if (stopped) return stream.destroy();
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const e = parseEvent(line);
          if (e) onEvent(e);
        }
      });
    }, () => {
      // No events: the kubelet's periodic relist still notices changes, only later.
    });
    return () => {
      stopped = true;
      stream?.destroy();
    };
  }
}

function parseEvent(line: string): EngineEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    const e = JSON.parse(line) as { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    if ((e.Action !== 'start' && e.Action !== 'die') || !e.Actor?.ID) return undefined;
    return { containerId: e.Actor.ID, action: e.Action, labels: e.Actor.Attributes ?? {} };
  } catch {
    return undefined;
  }
}
