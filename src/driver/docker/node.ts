// One node: a container on its profile's network, found again by its labels.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecResult, ExecStreams, Node, NodeRole, NodeState } from '../driver.js';
import { LABEL_NODE, LABEL_PROFILE, networkName, volumeName } from '../driver.js';

/** Pod containers carry the pod's uid (and the profile and node labels); node containers do not. */
const POD_UID_LABEL = 'io.kubernetes.pod.uid';
import { call, isNotFound, wrap } from './engine.js';

export class DockerNode implements Node {
  constructor(
    private readonly docker: Docker,
    readonly id: string,
    readonly name: string,
    readonly profile: string,
    readonly role: NodeRole,
  ) {}

  private get container(): Docker.Container {
    return this.docker.getContainer(this.id);
  }

  private inspect(): Promise<Docker.ContainerInspectInfo> {
    return call(`inspect node ${this.name}`, () => this.container.inspect());
  }

  async start(): Promise<void> {
    // 304 means it already runs: starting is idempotent, as `skiff start` on a running cluster is.
    await ignoreStatus(304, `start node ${this.name}`, () => this.container.start());
  }

  async stop(timeoutSeconds = 10): Promise<void> {
    await ignoreStatus(304, `stop node ${this.name}`, () => this.container.stop({ t: timeoutSeconds }));
    // Its pods are sibling containers: a stopped node runs none of them, as a machine shut down.
    const pods = await call(`list the pods of node ${this.name}`, () =>
      this.docker.listContainers({ filters: { label: [`${LABEL_PROFILE}=${this.profile}`, `${LABEL_NODE}=${this.name}`, POD_UID_LABEL] } }),
    );
    await Promise.all(pods.map((c) => ignoreStatus(304, `stop a pod container of node ${this.name}`, () => this.docker.getContainer(c.Id).stop({ t: 5 }))));
  }

  async pause(): Promise<void> {
    await call(`pause node ${this.name}`, () => this.container.pause());
  }

  async unpause(): Promise<void> {
    await call(`unpause node ${this.name}`, () => this.container.unpause());
  }

  async remove(options: { keepState?: boolean } = {}): Promise<void> {
    await ignoreStatus(404, `remove node ${this.name}`, () => this.container.remove({ force: true, v: true }));
    if (options.keepState) return;
    await ignoreStatus(404, `remove volume of node ${this.name}`, () => this.docker.getVolume(volumeName(this.name)).remove());
  }

  async creation(): Promise<{ image: string; command: string[] }> {
    const { Config } = await call(`inspect node ${this.name}`, () => this.container.inspect());
    return { image: Config.Image, command: Config.Cmd ?? [] };
  }

  async state(): Promise<NodeState> {
    try {
      const { State } = await this.container.inspect();
      if (State.Paused) return 'paused';
      return State.Running ? 'running' : 'stopped';
    } catch (err) {
      if (isNotFound(err)) return 'missing';
      throw wrap(`inspect node ${this.name}`, err);
    }
  }

  async exec(cmd: string[], opts: { env?: Record<string, string> } = {}): Promise<ExecResult> {
    const what = `exec in node ${this.name}`;
    const exec = await call(what, () =>
      this.container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Env: envList(opts.env) }),
    );
    const stream = await call(what, () => exec.start({ hijack: true, stdin: false }));
    const [stdout, stderr] = await demux(this.docker, stream);
    const { ExitCode } = await call(what, () => exec.inspect());
    return { code: ExitCode ?? -1, stdout, stderr };
  }

  async execAttached(cmd: string[], io: ExecStreams): Promise<number> {
    const what = `exec in node ${this.name}`;
    const exec = await call(what, () =>
      this.container.exec({ Cmd: cmd, AttachStdin: !!io.stdin, AttachStdout: true, AttachStderr: true, Tty: io.tty, ConsoleSize: io.size ? [io.size.rows, io.size.columns] : undefined } as Docker.ExecCreateOptions),
    );
    const stream = await call(what, () => exec.start({ hijack: true, stdin: !!io.stdin, Tty: io.tty }));
    // With a TTY the engine sends one raw stream; without, stdout and stderr multiplexed.
    if (io.tty) stream.pipe(io.stdout, { end: false });
    else this.docker.modem.demuxStream(stream, io.stdout, io.stderr);
    if (io.stdin) {
      io.stdin.pipe(stream as unknown as NodeJS.WritableStream);
      // The other side ends when stdin does (a pipe: `echo ls | skiff ssh`) so the command sees EOF.
      io.stdin.on('end', () => (stream as unknown as { end?: () => void }).end?.());
    }
    if (io.tty && io.size) await exec.resize({ h: io.size.rows, w: io.size.columns }).catch(() => undefined);
    io.onResizable?.((size) => void exec.resize({ h: size.rows, w: size.columns }).catch(() => undefined));
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    if (io.stdin) io.stdin.unpipe(stream as unknown as NodeJS.WritableStream);
    const { ExitCode } = await call(what, () => exec.inspect());
    return ExitCode ?? -1;
  }

  async logs(out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, opts: { follow?: boolean; tail?: number; signal?: AbortSignal } = {}): Promise<void> {
    const what = `read the logs of node ${this.name}`;
    const base = { stdout: true, stderr: true, tail: opts.tail };
    const stream: NodeJS.ReadableStream | Buffer = opts.follow
      ? await call(what, () => this.container.logs({ ...base, follow: true }))
      : await call(what, () => this.container.logs({ ...base, follow: false }));
    if (Buffer.isBuffer(stream)) {
      // Without follow the engine's answer arrives whole, still multiplexed.
      demuxBuffer(stream, out.stdout, out.stderr);
      return;
    }
    this.docker.modem.demuxStream(stream, out.stdout, out.stderr);
    await new Promise<void>((resolve, reject) => {
      const stop = () => { (stream as unknown as { destroy?: () => void }).destroy?.(); resolve(); };
      opts.signal?.addEventListener('abort', stop, { once: true });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (err) => (opts.signal?.aborted ? resolve() : reject(wrap(what, err))));
    });
  }

  async ip(): Promise<string> {
    const info = await this.inspect();
    const net = info.NetworkSettings.Networks[networkName(this.profile)];
    // A stopped container has no live address, but its static IPAM config is the address it gets back.
    const ip = net?.IPAddress || net?.IPAMConfig?.IPv4Address;
    if (!ip) throw wrap(`get the address of node ${this.name}`, new Error(`it is not on network ${networkName(this.profile)}`));
    return ip;
  }

  async hostPort(containerPort: number): Promise<number> {
    const info = await this.inspect();
    const binding = info.NetworkSettings.Ports?.[`${containerPort}/tcp`]?.[0];
    if (!binding?.HostPort) {
      throw wrap(`get the host port of node ${this.name}`, new Error(`port ${containerPort} is not published${info.State.Running ? '' : ' (the node is stopped)'}`));
    }
    return Number(binding.HostPort);
  }
}

async function ignoreStatus(status: number, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === status) return;
    throw wrap(what, err);
  }
}

function envList(env: Record<string, string> | undefined): string[] | undefined {
  return env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined;
}

/** The engine's multiplexed frames (8-byte header: stream, 0, 0, 0, big-endian length) from one buffer. */
function demuxBuffer(buf: Buffer, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  for (let at = 0; at + 8 <= buf.length;) {
    const length = buf.readUInt32BE(at + 4);
    const payload = buf.subarray(at + 8, at + 8 + length);
    (buf[at] === 2 ? stderr : stdout).write(payload);
    at += 8 + length;
  }
}

/** Splits the engine's multiplexed exec stream into stdout and stderr text. */
function demux(docker: Docker, stream: NodeJS.ReadableStream): Promise<[string, string]> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve([Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8')]));
    stream.on('error', reject);
  });
}
