import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containerLogs, demuxInto, execStreams, logQuery } from './streams.js';

function frame(kind: 1 | 2, text: string): Buffer {
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([head, Buffer.from(text)]);
}

async function text(stream: PassThrough): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('demuxInto', () => {
  it('splits the multiplexed stream into stdout and stderr, across chunk boundaries', async () => {
    const source = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    demuxInto(source, stdout, stderr);
    const bytes = Buffer.concat([frame(1, 'out1 '), frame(2, 'err1 '), frame(1, 'out2')]);
    for (let i = 0; i < bytes.length; i += 3) source.write(bytes.subarray(i, i + 3));
    source.end();
    expect(await Promise.all([text(stdout), text(stderr)])).toEqual(['out1 out2', 'err1 ']);
  });

  it('keeps the order when both halves go to one stream (logs)', async () => {
    const source = new PassThrough();
    const merged = new PassThrough();
    demuxInto(source, merged, merged);
    source.end(Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]));
    expect(await text(merged)).toBe('abc');
  });
});

describe('ids', () => {
  const untouchable = new Proxy({}, { get: () => { throw new Error('the engine was called'); } }) as unknown as Docker;

  it('never sends an id that is no engine id to the engine', async () => {
    await expect(containerLogs(untouchable, 'skiff://kube-apiserver', { follow: false, timestamps: false })).rejects.toThrow('container skiff://kube-apiserver not found');
    await expect(execStreams(untouchable, '../x', { cmd: ['true'], stdin: false, stdout: true, stderr: true, tty: false })).rejects.toThrow('not found');
  });
});

describe('logQuery', () => {
  it('says follow, tail, since and timestamps in the Engine API\'s words', () => {
    expect(logQuery({ follow: true, tail: 5, since: 1700000000.5, timestamps: true })).toEqual({ stdout: true, stderr: true, follow: true, timestamps: true, tail: 5, since: '1700000000.500000000' });
    expect(logQuery({ follow: false, timestamps: false })).toMatchObject({ tail: 'all' });
  });
});

describe('createOptions for attachable containers', () => {
  it('keeps stdin open and gives a terminal when the pod asks (kubectl run -it)', async () => {
    const { createOptions } = await import('./containers.js');
    const base = { name: 'n', image: 'i', env: [], labels: {}, network: { mode: 'container' as const, containerId: 'sb' } };
    expect(createOptions({ ...base, openStdin: true, stdinOnce: true, tty: true })).toMatchObject({ OpenStdin: true, StdinOnce: true, Tty: true });
    const plain = createOptions(base);
    expect(plain.OpenStdin).toBeUndefined();
    expect(plain.Tty).toBeUndefined();
  });
});
