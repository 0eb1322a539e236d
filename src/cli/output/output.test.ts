import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { chooseReporter, JsonReporter, PlainReporter, runStep, type EventSink, type ProgressEvent } from './index.js';
import { InkReporter } from './ink.js';

const EVENTS: ProgressEvent[] = [
  { type: 'step-start', id: 'network', title: 'Creating network' },
  { type: 'step-done', id: 'network', ms: 312 },
  { type: 'info', message: 'Using image skiff-node:abc123' },
  { type: 'step-start', id: 'node', title: 'Starting node skiff' },
  { type: 'warn', message: 'memory above what Docker has' },
  { type: 'step-failed', id: 'node', error: 'port 6443 in use' },
  { type: 'done', ms: 2450 },
];

function sink(): { out: { write(s: string): void }; text: () => string } {
  let text = '';
  return { out: { write: (s: string) => void (text += s) }, text: () => text };
}

describe('PlainReporter', () => {
  it('writes one line per event', () => {
    const s = sink();
    const r = new PlainReporter(s.out);
    for (const e of EVENTS) r.emit(e);
    expect(s.text()).toBe([
      '• Creating network …',
      '✓ Creating network (0.3s)',
      '  Using image skiff-node:abc123',
      '• Starting node skiff …',
      '! memory above what Docker has',
      '✗ Starting node skiff: port 6443 in use',
      '✓ Done in 2.5s',
      '',
    ].join('\n'));
  });
});

describe('JsonReporter', () => {
  it('writes each event as one NDJSON line', () => {
    const s = sink();
    const r = new JsonReporter(s.out);
    for (const e of EVENTS) r.emit(e);
    expect(s.text()).toBe(EVENTS.map((e) => `${JSON.stringify(e)}\n`).join(''));
    expect(s.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual(EVENTS);
  });
});

describe('runStep', () => {
  it('times a step, and reports and rethrows a failure', async () => {
    const seen: ProgressEvent[] = [];
    const rec: EventSink = { emit: (e) => void seen.push(e) };
    expect(await runStep(rec, 'a', 'Step A', async () => 42)).toBe(42);
    await expect(runStep(rec, 'b', 'Step B', () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(seen.map((e) => e.type)).toEqual(['step-start', 'step-done', 'step-start', 'step-failed']);
    expect(seen[1]).toMatchObject({ type: 'step-done', id: 'a' });
    expect(seen[3]).toEqual({ type: 'step-failed', id: 'b', error: 'boom' });
  });
});

/** A stand-in terminal for ink: a stream with a width, recording every write. */
function fakeTerminal(): { stream: NodeJS.WriteStream; frames: string[] } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { columns: number; isTTY: boolean };
  stream.columns = 80;
  stream.isTTY = true;
  const frames: string[] = [];
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    frames.push(String(chunk));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (callback) setImmediate(callback);
    return true;
  }) as typeof stream.write;
  return { stream, frames };
}

/** The text of the last write that drew something (ink also writes bare cursor codes). */
function lastFrame(frames: string[]): string {
  const drawn = frames.map((f) => stripVTControlCharacters(f)).filter((f) => f.trim().length > 0);
  return (drawn.at(-1) ?? '').replace(/\n+$/, '');
}

describe('InkReporter', () => {
  it('draws a checkmark and time for finished steps, and the failure', async () => {
    const term = fakeTerminal();
    const r = new InkReporter(term.stream);
    for (const e of EVENTS) r.emit(e);
    await r.close();
    expect(lastFrame(term.frames)).toBe([
      '✓ Creating network (0.3s)',
      '  Using image skiff-node:abc123',
      // A step keeps the place where it started; the warning came while it ran.
      '✗ Starting node skiff: port 6443 in use',
      '! memory above what Docker has',
      '✓ Done in 2.5s',
    ].join('\n'));
  });

  it('shows a spinner on a running step', async () => {
    const term = fakeTerminal();
    const r = new InkReporter(term.stream);
    r.emit({ type: 'step-start', id: 'image', title: 'Building node image' });
    await new Promise((done) => setTimeout(done, 100));
    await r.close();
    expect(lastFrame(term.frames)).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Building node image$/);
  });
});

describe('chooseReporter', () => {
  it('json for -o json, ink on a terminal, plain otherwise', async () => {
    const term = fakeTerminal();
    expect(await chooseReporter({ output: 'json', isTTY: true, stream: term.stream })).toBeInstanceOf(JsonReporter);
    expect(await chooseReporter({ isTTY: false, stream: term.stream })).toBeInstanceOf(PlainReporter);
    const ink = await chooseReporter({ output: 'text', isTTY: true, stream: term.stream });
    expect(ink).toBeInstanceOf(InkReporter);
    await ink.close();
  });
});
