import { describe, expect, it } from 'vitest';
import { decodeChannelMessage, encodeChannelMessage, errorStreamPayload, expectedStreamTypes, headerList, negotiate, ResizeDecoder, SPDY_PROTOCOLS, StreamProtocol, WEBSOCKET_PROTOCOLS } from './remotecommand.js';

describe('negotiation', () => {
  it('picks the first protocol the client offers that the server speaks', () => {
    expect(negotiate(['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], SPDY_PROTOCOLS)).toBe('v4.channel.k8s.io');
    expect(negotiate(['v5.channel.k8s.io'], WEBSOCKET_PROTOCOLS)).toBe('v5.channel.k8s.io');
    expect(negotiate(['v5.channel.k8s.io'], SPDY_PROTOCOLS)).toBeUndefined();
    expect(negotiate(['v9.channel.k8s.io'], WEBSOCKET_PROTOCOLS)).toBeUndefined();
    expect(negotiate(['base64.channel.k8s.io'], WEBSOCKET_PROTOCOLS)).toBe('base64.channel.k8s.io');
  });

  it('splits repeated and comma-joined headers', () => {
    expect(headerList('v4.channel.k8s.io, v3.channel.k8s.io')).toEqual(['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    expect(headerList(['a', 'b,c'])).toEqual(['a', 'b', 'c']);
    expect(headerList(undefined)).toEqual([]);
  });
});

describe('the error stream', () => {
  it('carries a Status in v4 and v5: Success, or NonZeroExitCode with the ExitCode cause', () => {
    expect(JSON.parse(errorStreamPayload(StreamProtocol.V5, { exitCode: 0 }, ['true'])!.toString())).toEqual({ metadata: {}, status: 'Success' });
    expect(JSON.parse(errorStreamPayload(StreamProtocol.V4, { exitCode: 3 }, ['sh', '-c', 'exit 3'])!.toString())).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(JSON.parse(errorStreamPayload(StreamProtocol.V5, { error: 'no such file' }, ['x'])!.toString())).toMatchObject({ status: 'Failure', message: 'no such file', code: 500 });
  });

  it('carries plain text before v4, and nothing on success', () => {
    expect(errorStreamPayload(StreamProtocol.V3, { exitCode: 0 }, ['true'])).toBeUndefined();
    expect(errorStreamPayload(StreamProtocol.V2, { exitCode: 1 }, ['false'])!.toString()).toBe('command terminated with non-zero exit code: error executing command [false], exit code 1');
  });
});

describe('ResizeDecoder', () => {
  it('splits concatenated size objects, across chunks', () => {
    const d = new ResizeDecoder();
    expect(d.push('{"Width":80,"Height":24}{"Wid')).toEqual([{ width: 80, height: 24 }]);
    expect(d.push('th":100,"Height":30}')).toEqual([{ width: 100, height: 30 }]);
    expect(d.push('{"nonsense":1}')).toEqual([]);
  });
});

describe('expectedStreamTypes', () => {
  it('follows the request: resize only with a tty on v3+', () => {
    expect(expectedStreamTypes(StreamProtocol.V4, { stdin: false, stdout: true, stderr: true, tty: false })).toEqual(['error', 'stdout', 'stderr']);
    expect(expectedStreamTypes(StreamProtocol.V4, { stdin: true, stdout: true, stderr: false, tty: true })).toEqual(['error', 'stdin', 'stdout', 'resize']);
    expect(expectedStreamTypes(StreamProtocol.V2, { stdin: true, stdout: true, stderr: false, tty: true })).toEqual(['error', 'stdin', 'stdout']);
  });
});

describe('channel messages', () => {
  it('frames binary and base64 messages', () => {
    expect(encodeChannelMessage(1, Buffer.from('hi'), false)).toEqual(Buffer.from([1, 0x68, 0x69]));
    expect(encodeChannelMessage(2, Buffer.from('hi'), true)).toBe('2aGk=');
    expect(decodeChannelMessage(Buffer.from('0aGk='), true)).toEqual({ channel: 0, payload: Buffer.from('hi') });
    expect(decodeChannelMessage(Buffer.from([4, 0x7b]), false)).toEqual({ channel: 4, payload: Buffer.from('{') });
    expect(decodeChannelMessage(Buffer.alloc(0), false)).toBeUndefined();
  });
});
