import { describe, expect, it } from 'vitest';
import { parseCommand, parseLogQuery, parsePort, parsePorts, parseRoute, parseStdioQuery } from './paths.js';

const q = (text: string) => new URLSearchParams(text);

describe('parseRoute', () => {
  it('reads the kubelet paths the API server calls', () => {
    expect(parseRoute('/containerLogs/default/web/nginx')).toEqual({ kind: 'containerLogs', namespace: 'default', pod: 'web', container: 'nginx' });
    expect(parseRoute('/exec/ns/p/c')).toEqual({ kind: 'exec', namespace: 'ns', pod: 'p', container: 'c' });
    expect(parseRoute('/exec/ns/p/uid-1/c')).toEqual({ kind: 'exec', namespace: 'ns', pod: 'p', container: 'c' });
    expect(parseRoute('/attach/ns/p/c')).toEqual({ kind: 'attach', namespace: 'ns', pod: 'p', container: 'c' });
    expect(parseRoute('/portForward/ns/p')).toEqual({ kind: 'portForward', namespace: 'ns', pod: 'p' });
    expect(parseRoute('/containerLogs/a%2Fb/p/c')).toMatchObject({ namespace: 'a/b' });
  });

  it('rejects anything else', () => {
    for (const p of ['/', '/containerLogs/ns/p', '/exec/ns', '/pods', '/run/ns/p/c', '/containerLogs/ns/p/c/extra']) expect(parseRoute(p)).toBeUndefined();
  });
});

describe('parseLogQuery', () => {
  it('reads follow, previous, timestamps, tailLines and limitBytes', () => {
    expect(parseLogQuery(q('follow=true&previous=1&timestamps=true&tailLines=5&limitBytes=100'))).toEqual({
      follow: true, previous: true, timestamps: true, tailLines: 5, limitBytes: 100, since: undefined,
    });
    expect(parseLogQuery(q(''))).toMatchObject({ follow: false, previous: false, timestamps: false, tailLines: undefined });
  });

  it('turns sinceSeconds and sinceTime into unix seconds', () => {
    expect(parseLogQuery(q('sinceSeconds=10'), 100_000).since).toBe(90);
    expect(parseLogQuery(q('sinceTime=2026-01-01T00:00:00Z')).since).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
  });

  it('refuses what the API validates away', () => {
    expect(() => parseLogQuery(q('sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z'))).toThrow('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect(() => parseLogQuery(q('tailLines=-1'))).toThrow(/must be greater than or equal to 0/);
    expect(() => parseLogQuery(q('limitBytes=0'))).toThrow(/must be greater than 0/);
    expect(() => parseLogQuery(q('tailLines=x'))).toThrow(/must be an integer/);
    expect(() => parseLogQuery(q('sinceTime=yesterday'))).toThrow(/RFC 3339/);
  });
});

describe('parseStdioQuery and parseCommand', () => {
  it('drops stderr with a tty and needs one stream', () => {
    expect(parseStdioQuery(q('stdin=true&stdout=true&stderr=true&tty=true'))).toEqual({ stdin: true, stdout: true, stderr: false, tty: true });
    expect(parseStdioQuery(q('stdout=true&stderr=true'))).toEqual({ stdin: false, stdout: true, stderr: true, tty: false });
    expect(() => parseStdioQuery(q('tty=true'))).toThrow('you must specify at least 1 of stdin, stdout, stderr');
  });

  it('takes one command parameter per argument', () => {
    expect(parseCommand(q('command=sh&command=-c&command=echo%20hi'))).toEqual(['sh', '-c', 'echo hi']);
    expect(() => parseCommand(q(''))).toThrow(/command/);
  });
});

describe('ports', () => {
  it('parses port headers and WebSocket port lists', () => {
    expect(parsePort('8080')).toBe(8080);
    expect(() => parsePort('0')).toThrow(/must be > 0/);
    expect(() => parsePort('http')).toThrow(/unable to parse/);
    expect(() => parsePort(undefined)).toThrow(/unable to parse/);
    expect(parsePorts(q('port=80&port=443'))).toEqual([80, 443]);
    expect(parsePorts(q('ports=80,8080'))).toEqual([80, 8080]);
  });
});
