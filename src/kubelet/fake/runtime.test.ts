import { describe, expect, it } from 'vitest';
import { behaviorOf, parseSleep } from './behavior.js';
import { FakeRuntime, FAKE_RUNTIME_VERSION, type FakeClock } from './runtime.js';
import type { ContainerConfig, ContainerEvent } from '../runtime.js';

/** A clock whose timers fire only when the test advances it. */
class ManualClock implements FakeClock {
  t = Date.parse('2025-01-01T00:00:00Z');
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
}

function config(command: string[], args: string[] = []): ContainerConfig {
  return { name: 'c', image: 'busybox', command, args, env: [], attempt: 0 };
}

describe('fake container behavior (the hollow runtime contract)', () => {
  it.each([
    [['true'], [], { kind: 'exit', exitCode: 0 }],
    [['/bin/true'], [], { kind: 'exit', exitCode: 0 }],
    [['false'], [], { kind: 'exit', exitCode: 1 }],
    [['sh', '-c', 'exit 3'], [], { kind: 'exit', exitCode: 3 }],
    [['/bin/sh', '-c', 'exit 1'], [], { kind: 'exit', exitCode: 1 }],
    [['sh', '-c'], ['exit 0'], { kind: 'exit', exitCode: 0 }],
    [['sh', '-c', 'exit'], [], { kind: 'exit', exitCode: 0 }],
    [['sleep', '5'], [], { kind: 'sleep', seconds: 5 }],
    [['sleep'], ['2'], { kind: 'sleep', seconds: 2 }],
    [[], ['sleep', '0.5'], { kind: 'sleep', seconds: 0.5 }],
    [['sh', '-c', 'sleep 30'], [], { kind: 'sleep', seconds: 30 }],
    [['/bin/sh', '-c', 'sleep 1m'], [], { kind: 'sleep', seconds: 60 }],
    [['sleep', 'infinity'], [], { kind: 'run' }],
    [['sleep', '3600'], [], { kind: 'sleep', seconds: 3600 }],
    [[], [], { kind: 'run' }],
    [['nginx', '-g', 'daemon off;'], [], { kind: 'run' }],
    [['sh', '-c', 'while true; do sleep 1; done'], [], { kind: 'run' }],
    [['sh', '-c', 'exit $CODE'], [], { kind: 'run' }],
  ])('%j %j → %j', (command, args, expected) => {
    expect(behaviorOf(command as string[], args as string[])).toEqual(expected);
  });

  it('parses sleep durations like coreutils', () => {
    expect(parseSleep(['1', '2s', '1m'])).toBe(63);
    expect(parseSleep(['.5'])).toBe(0.5);
    expect(parseSleep(['x'])).toBeUndefined();
    expect(parseSleep([])).toBeUndefined();
  });
});

describe('FakeRuntime', () => {
  async function sandbox(rt: FakeRuntime): Promise<string> {
    const sb = await rt.runPodSandbox({ podUid: 'u1', namespace: 'default', name: 'p', nodeName: 'n', hostname: 'p', ip: '10.244.0.2', hostNetwork: false, labels: {} });
    return sb.id;
  }

  it('reports its version and always has images', async () => {
    const rt = new FakeRuntime();
    expect(await rt.version()).toBe(FAKE_RUNTIME_VERSION);
    const pulled = await rt.pullImage('busybox:1.36');
    expect(pulled.alreadyPresent).toBe(true);
    expect(pulled.imageRef).toMatch(/^busybox:1\.36@sha256:[0-9a-f]{64}$/);
  });

  it('exits at once with the code of `sh -c "exit N"`, and tells its listeners afterwards', async () => {
    const rt = new FakeRuntime();
    const events: ContainerEvent[] = [];
    rt.onContainerEvent((e) => events.push(e));
    const sb = await sandbox(rt);
    const c = await rt.startContainer(sb, config(['sh', '-c', 'exit 2']), 'ref');
    expect(c).toMatchObject({ state: 'exited', exitCode: 2, reason: 'Error' });
    expect(c.id).toMatch(/^fake:\/\/[0-9a-f]{32}$/);
    expect(events).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([{ type: 'exited', containerId: c.id, sandboxId: sb }]);
    const ok = await rt.startContainer(sb, config(['true']), 'ref');
    expect(ok).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
  });

  it('finishes `sleep N` with 0 after N seconds', async () => {
    const clock = new ManualClock();
    const rt = new FakeRuntime(clock);
    const events: ContainerEvent[] = [];
    rt.onContainerEvent((e) => events.push(e));
    const sb = await sandbox(rt);
    const c = await rt.startContainer(sb, config(['sleep', '5']), 'ref');
    expect(c.state).toBe('running');
    clock.advance(4999);
    expect((await rt.containerStatus(c.id))?.state).toBe('running');
    clock.advance(1);
    expect(await rt.containerStatus(c.id)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed', finishedAt: '2025-01-01T00:00:05Z' });
    expect(events.map((e) => e.type)).toEqual(['exited']);
  });

  it('runs anything else until stopped, then reports it killed', async () => {
    const clock = new ManualClock();
    const rt = new FakeRuntime(clock);
    const sb = await sandbox(rt);
    const c = await rt.startContainer(sb, config([], []), 'ref');
    clock.advance(86_400_000);
    expect((await rt.containerStatus(c.id))?.state).toBe('running');
    await rt.stopContainer(c.id, 30);
    expect(await rt.containerStatus(c.id)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
  });

  it('stops every container with its sandbox and forgets them on removal', async () => {
    const rt = new FakeRuntime(new ManualClock());
    const sb = await sandbox(rt);
    const a = await rt.startContainer(sb, config(['sleep', '100']), 'ref');
    await rt.stopPodSandbox(sb);
    expect((await rt.containerStatus(a.id))?.state).toBe('exited');
    expect((await rt.listPodSandboxes())[0].state).toBe('notready');
    await expect(rt.startContainer(sb, config([]), 'ref')).rejects.toThrow(/not ready/);
    await rt.removePodSandbox(sb);
    expect(await rt.listContainers()).toEqual([]);
    expect(await rt.listPodSandboxes()).toEqual([]);
  });
});
