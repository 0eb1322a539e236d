// The live view for a terminal: a spinner on running steps, a checkmark and the time on finished
// ones, drawn with ink on stderr. Loaded only when chosen (importing ink costs about a second here).
import { Box, render, Text, type Instance } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ProgressEvent, Reporter } from '../../cluster/progress.js';
import { formatSeconds } from '../../cluster/progress.js';

interface StepLine {
  kind: 'step';
  id: string;
  title: string;
  state: 'running' | 'done' | 'failed';
  ms?: number;
  error?: string;
}
type Line = StepLine | { kind: 'info' | 'warn'; message: string } | { kind: 'done'; ms: number };

/** The events folded into lines, in arrival order; each change is a new array so React sees it. */
export class ProgressStore {
  private lines: readonly Line[] = [];
  private readonly listeners = new Set<() => void>();

  apply(event: ProgressEvent): void {
    this.lines = fold(this.lines, event);
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): readonly Line[] => this.lines;
}

function fold(lines: readonly Line[], event: ProgressEvent): readonly Line[] {
  switch (event.type) {
    case 'step-start':
      return [...lines, { kind: 'step', id: event.id, title: event.title, state: 'running' }];
    case 'step-done':
      return updateStep(lines, event.id, { state: 'done', ms: event.ms });
    case 'step-failed':
      return updateStep(lines, event.id, { state: 'failed', error: event.error });
    case 'info':
    case 'warn':
      return [...lines, { kind: event.type, message: event.message }];
    case 'done':
      return [...lines, { kind: 'done', ms: event.ms }];
  }
}

function updateStep(lines: readonly Line[], id: string, change: Partial<StepLine>): readonly Line[] {
  // The latest step with this id: ids may repeat across phases (e.g. a retried step).
  let at = -1;
  lines.forEach((l, i) => {
    if (l.kind === 'step' && l.id === id) at = i;
  });
  if (at < 0) return [...lines, { kind: 'step', id, title: id, state: 'running', ...change }];
  return lines.map((l, i) => (i === at ? { ...(l as StepLine), ...change } : l));
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function Spinner() {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((n) => (n + 1) % FRAMES.length), 80);
    return () => clearInterval(timer);
  }, []);
  return <Text color="cyan">{FRAMES[frame]}</Text>;
}

function Step({ step }: { step: StepLine }) {
  if (step.state === 'running') return <Text><Spinner /> {step.title}</Text>;
  if (step.state === 'failed') return <Text color="red">✗ {step.title}: {step.error}</Text>;
  return <Text><Text color="green">✓</Text> {step.title} <Text dimColor>({formatSeconds(step.ms ?? 0)})</Text></Text>;
}

function LineView({ line }: { line: Line }) {
  switch (line.kind) {
    case 'step':
      return <Step step={line} />;
    case 'info':
      return <Text>  {line.message}</Text>;
    case 'warn':
      return <Text color="yellow">! {line.message}</Text>;
    case 'done':
      return <Text><Text color="green">✓</Text> Done in {formatSeconds(line.ms)}</Text>;
  }
}

export function ProgressView({ store }: { store: ProgressStore }) {
  const lines = useSyncExternalStore(store.subscribe, store.snapshot);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => <LineView key={i} line={line} />)}
    </Box>
  );
}

export class InkReporter implements Reporter {
  private readonly store = new ProgressStore();
  private readonly instance: Instance;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    // Progress only: no keyboard input, and console output from elsewhere is left alone.
    this.instance = render(this.view(), { stdout: stream, exitOnCtrlC: false, patchConsole: false });
  }

  private view() {
    return <ProgressView store={this.store} />;
  }

  emit(event: ProgressEvent): void {
    this.store.apply(event);
  }

  /** Draws the last frame and stops the spinner timers, so the process can exit. */
  async close(): Promise<void> {
    // Store updates render on React's schedule; a command that ends right after its last event
    // would unmount before they are drawn, so render the final state synchronously first.
    this.instance.rerender(this.view());
    // Ask for the exit promise first: ink resolves only a promise that exists when it unmounts.
    const exited = this.instance.waitUntilExit();
    this.instance.unmount();
    await exited;
  }
}
