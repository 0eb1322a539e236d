// `-o json`: every event as one JSON object per line (NDJSON) on stderr, for scripts and IDEs.
import type { ProgressEvent, Reporter } from '../../cluster/progress.js';
import type { TextStream } from './plain.js';

export class JsonReporter implements Reporter {
  constructor(private readonly out: TextStream = process.stderr) {}

  emit(event: ProgressEvent): void {
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  async close(): Promise<void> {}
}
