// The streaming side of the Engine API for the kubelet's exec, attach and logs: hijacked
// connections, demultiplexed into stdout and stderr (unless the process has a terminal).
import type { Duplex, Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { EngineAttachOptions, EngineExecOptions, EngineLogOptions, EngineStreams } from '../engine.js';
import { call, isNotFound, statusOf, wrap } from './engine.js';

/**
 * Copies the engine's multiplexed stream (8-byte frame headers: stream type 1 stdout / 2 stderr,
 * three zero bytes, big-endian length) into `stdout` and `stderr`, honouring their backpressure,
 * and ends both when the source ends.
 */
export function demuxInto(source: Readable, stdout: PassThrough, stderr: PassThrough): void {
  let pending: Buffer = Buffer.alloc(0);
  let blocked = 0;
  const unblock = () => {
    if (--blocked === 0) source.resume();
  };
  source.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const length = pending.readUInt32BE(4);
      if (pending.length < 8 + length) break;
      const target = pending[0] === 2 ? stderr : stdout;
      const payload = pending.subarray(8, 8 + length);
      pending = pending.subarray(8 + length);
      if (payload.length > 0 && !target.write(payload)) {
        blocked++;
        source.pause();
        target.once('drain', unblock);
      }
    }
  });
  const finish = () => {
    stdout.end();
    stderr.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', (err) => {
    stdout.destroy(err);
    stderr.destroy(err);
  });
}

/** A hijacked connection as EngineStreams: stdin writes go to the socket, output is split. */
function streamsOf(socket: Duplex, tty: boolean, stdin: boolean, resize: EngineStreams['resize'], exitCode: EngineStreams['exitCode']): EngineStreams {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (tty) {
    socket.pipe(stdout);
    socket.once('close', () => stdout.end());
    stderr.end();
  } else {
    demuxInto(socket, stdout, stderr);
  }
  socket.on('error', () => { /* reported through the output streams' end */ });
  return {
    // end() half-closes the connection: the engine then closes the process's stdin.
    stdin: stdin ? socket : undefined,
    stdout,
    stderr,
    resize,
    exitCode,
    close: () => socket.destroy(),
  };
}

/**
 * Only an engine id (hex) or name reaches the Engine API: a path with "//" in it draws a 301
 * from the engine that docker-modem follows to a bogus host, crashing the process.
 */
function checkId(id: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(id)) throw new Error(`container ${id} not found`);
  return id;
}

/** The engine's "container is not running" (409) in the kubelet's words. */
function notRunning(id: string, err: unknown): Error {
  const status = statusOf(err);
  if (status === 409) return new Error(`container ${id.slice(0, 12)} is not running`);
  if (isNotFound(err)) return new Error(`container ${id.slice(0, 12)} not found`);
  return wrap(`exec in container ${id.slice(0, 12)}`, err);
}

export async function execStreams(docker: Docker, id: string, o: EngineExecOptions): Promise<EngineStreams> {
  checkId(id);
  let exec: Docker.Exec;
  try {
    exec = await docker.getContainer(id).exec({
      Cmd: o.cmd,
      AttachStdin: o.stdin,
      AttachStdout: o.stdout,
      AttachStderr: o.stderr,
      Tty: o.tty,
    });
  } catch (err) {
    throw notRunning(id, err);
  }
  const socket = (await call(`start exec in container ${id.slice(0, 12)}`, () => exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty }))) as unknown as Duplex;
  const resize = async (width: number, height: number) => {
    try {
      await exec.resize({ w: width, h: height });
    } catch {
      // A resize racing the exit is harmless.
    }
  };
  const exitCode = async () => {
    // The connection closes a moment before the engine records the exit.
    for (let i = 0; i < 50; i++) {
      const info = await call(`inspect exec in container ${id.slice(0, 12)}`, () => exec.inspect());
      if (!info.Running) return info.ExitCode ?? undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  };
  return streamsOf(socket, o.tty, o.stdin, resize, exitCode);
}

export async function attachStreams(docker: Docker, id: string, o: EngineAttachOptions): Promise<EngineStreams> {
  checkId(id);
  const container = docker.getContainer(id);
  let socket: Duplex;
  let tty: boolean;
  let stdin: boolean;
  try {
    // The container's own stdio decides, not the request: without a terminal the engine
    // multiplexes the output, and stdin exists only if the container keeps it open.
    const info = await container.inspect();
    tty = info.Config.Tty;
    stdin = o.stdin && info.Config.OpenStdin;
    socket = (await container.attach({ stream: true, hijack: true, stdin, stdout: o.stdout, stderr: o.stderr, logs: false })) as unknown as Duplex;
  } catch (err) {
    throw notRunning(id, err);
  }
  const resize = async (width: number, height: number) => {
    try {
      await container.resize({ w: width, h: height });
    } catch {
      // A resize racing the exit is harmless.
    }
  };
  const exitCode = async () => {
    const info = await container.inspect().catch(() => undefined);
    return info && !info.State.Running ? info.State.ExitCode : undefined;
  };
  return streamsOf(socket, tty, stdin, resize, exitCode);
}

/** Engine log options in the Engine API's words (docker logs --follow --tail --since --timestamps). */
export function logQuery(o: EngineLogOptions): Docker.ContainerLogsOptions {
  const query: Docker.ContainerLogsOptions = { stdout: true, stderr: true, follow: o.follow, timestamps: o.timestamps, tail: o.tail ?? 'all' } as Docker.ContainerLogsOptions;
  if (o.since !== undefined) (query as { since?: string }).since = o.since.toFixed(9);
  return query;
}

export async function containerLogs(docker: Docker, id: string, o: EngineLogOptions): Promise<Readable> {
  checkId(id);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(id).inspect();
  } catch (err) {
    if (isNotFound(err)) throw new Error(`container ${id.slice(0, 12)} not found`);
    throw wrap(`inspect container ${id.slice(0, 12)}`, err);
  }
  // Through the modem: dockerode's logs() buffers the whole log unless it follows.
  const modem = (docker as unknown as { modem: { dial(opts: object, cb: (err: unknown, stream: Readable) => void): void } }).modem;
  const source = await new Promise<Readable>((resolve, reject) => {
    modem.dial({
      path: `/containers/${id}/logs?`,
      method: 'GET',
      options: logQuery(o),
      isStream: true,
      statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
    }, (err, stream) => (err ? reject(wrap(`read the logs of container ${id.slice(0, 12)}`, err)) : resolve(stream)));
  });
  if (info.Config.Tty) return source;
  // Both halves go to one stream, in the order the engine wrote them.
  const merged = new PassThrough();
  demuxInto(source, merged, merged);
  merged.once('close', () => source.destroy()); // the reader went away (a follow ended)
  return merged;
}
