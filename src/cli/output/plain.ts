// Plain lines for logs, pipes and CI: one line per event, nothing redrawn.
import type { ProgressEvent, Reporter } from '../../cluster/progress.js';
import { formatSeconds } from '../../cluster/progress.js';

export interface TextStream {
  write(chunk: string): unknown;
}

export class PlainReporter implements Reporter {
  /** step-done and step-failed carry only the id; the line repeats the title given at start. */
  private readonly titles = new Map<string, string>();

  constructor(private readonly out: TextStream = process.stderr) {}

  emit(event: ProgressEvent): void {
    this.out.write(`${this.line(event)}\n`);
  }

  private line(event: ProgressEvent): string {
    switch (event.type) {
      case 'step-start':
        this.titles.set(event.id, event.title);
        return `• ${event.title} …`;
      case 'step-done':
        return `✓ ${this.title(event.id)} (${formatSeconds(event.ms)})`;
      case 'step-failed':
        return `✗ ${this.title(event.id)}: ${event.error}`;
      case 'info':
        return `  ${event.message}`;
      case 'warn':
        return `! ${event.message}`;
      case 'done':
        return `✓ Done in ${formatSeconds(event.ms)}`;
    }
  }

  private title(id: string): string {
    return this.titles.get(id) ?? id;
  }

  async close(): Promise<void> {}
}
