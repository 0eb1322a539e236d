// ContainerEngine on Docker: the pods' sandboxes and containers, siblings of the node containers.
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { ExecTimeoutError, type ContainerEngine, type ContainerSpec, type EngineContainer, type EngineEvent, type ExecResult, type FileEntry } from '../engine.js';
import { call, isNotFound, statusOf, wrap } from './engine.js';
import { attachStreams, containerLogs, execStreams } from './streams.js';
import { fromStatsJson, type DockerStatsJson } from './stats.js';
import type { EngineAttachOptions, EngineExecOptions, EngineLogOptions, EngineStats, EngineStreams } from '../engine.js';
import type { Readable } from 'node:stream';

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
  if (spec.mounts?.length) host.Binds = spec.mounts.map((m) => `${m.volume}:${m.target}${m.readOnly ? ':ro' : ''}`);
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
  if (spec.tty) options.Tty = true;
  if (spec.openStdin) {
    options.OpenStdin = true;
    options.StdinOnce = spec.stdinOnce ?? false;
  }
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
    return this.start(await this.create(spec));
  }

  async create(spec: ContainerSpec): Promise<string> {
    const container = await call(`create container ${spec.name}`, () => this.docker.createContainer(createOptions(spec)));
    return container.id;
  }

  async start(id: string): Promise<EngineContainer> {
    const container = this.docker.getContainer(id);
    try {
      await container.start();
    } catch (err) {
      // The engine keeps the reason (a missing executable, say) in the container's state.
      if (statusOf(err) === undefined) throw wrap(`start container ${id.slice(0, 12)}`, err);
    }
    return fromInspect(await call(`inspect container ${id.slice(0, 12)}`, () => container.inspect()));
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

  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    return execIn(this.docker, id, cmd, timeoutMs);
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    await call(`create volume ${name}`, () => this.docker.createVolume({ Name: name, Labels: labels }));
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (isNotFound(err)) return;
      throw wrap(`remove volume ${name}`, err);
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<string[]> {
    const found = await call('list volumes', () => this.docker.listVolumes({ filters: { label: labelFilters(labels) } }));
    return (found.Volumes ?? []).map((v) => v.Name);
  }

  async volumePath(name: string): Promise<string> {
    const info = await call(`inspect volume ${name}`, () => this.docker.getVolume(name).inspect());
    return info.Mountpoint;
  }

  async writeFiles(id: string, dir: string, files: FileEntry[]): Promise<void> {
    const tar = await tarOf(files);
    await call(`write files into container ${id.slice(0, 12)}`, () => this.docker.getContainer(id).putArchive(tar, { path: dir }));
  }

  execStreams(id: string, options: EngineExecOptions): Promise<EngineStreams> {
    return execStreams(this.docker, id, options);
  }

  attach(id: string, options: EngineAttachOptions): Promise<EngineStreams> {
    return attachStreams(this.docker, id, options);
  }

  logs(id: string, options: EngineLogOptions): Promise<Readable> {
    return containerLogs(this.docker, id, options);
  }

  async stats(id: string): Promise<EngineStats | undefined> {
    try {
      // one-shot: the engine answers at once instead of waiting a second for a second sample
      // (precpu_stats); the kubelet keeps its own previous sample for rates.
      const raw = await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false });
      return fromStatsJson(raw as unknown as DockerStatsJson);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrap(`read the stats of container ${id.slice(0, 12)}`, err);
    }
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

/** How much of an exec's output is kept (the kubelet reads at most 10 KiB of a probe's). */
const EXEC_OUTPUT_LIMIT = 64 * 1024;

/**
 * Splits the engine's multiplexed stdout/stderr stream (8-byte frame headers: stream type, three
 * zero bytes, big-endian length) into the payloads, in order.
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  readonly chunks: Buffer[] = [];
  private size = 0;

  push(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) return;
      const payload = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      if (this.size < EXEC_OUTPUT_LIMIT) {
        this.chunks.push(payload.subarray(0, EXEC_OUTPUT_LIMIT - this.size));
        this.size += payload.length;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A tar of `files` (what put archive takes). */
function tarOf(files: FileEntry[]): Promise<Buffer> {
  const archive = pack();
  for (const f of files) archive.entry({ name: f.path, mode: f.mode, type: 'file', mtime: new Date() }, f.content);
  archive.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    archive.on('data', (c: unknown) => chunks.push(c as Buffer));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
  });
}

export async function execIn(docker: Docker, id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const short = id.slice(0, 12);
  const exec = await call(`create exec in container ${short}`, () => docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false }));
  const stream = (await call(`start exec in container ${short}`, () => exec.start({ hijack: true, stdin: false }))) as NodeJS.ReadableStream & { destroy(): void };
  const output = new StreamDemuxer();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new ExecTimeoutError(cmd, timeoutMs));
    }, timeoutMs);
    stream.on('data', (d: Buffer) => output.push(d));
    stream.on('end', () => { clearTimeout(timer); resolve(); });
    stream.on('close', () => { clearTimeout(timer); resolve(); });
    stream.on('error', (err: Error) => { clearTimeout(timer); reject(wrap(`exec in container ${short}`, err)); });
  });
  const info = await call(`inspect exec in container ${short}`, () => exec.inspect());
  return { exitCode: info.ExitCode ?? -1, output: output.text() };
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
