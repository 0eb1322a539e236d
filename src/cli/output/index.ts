// Picks how progress looks: NDJSON for `-o json`, ink on a terminal, plain lines otherwise.
import type { Reporter } from '../../cluster/progress.js';
import { JsonReporter } from './json.js';
import { PlainReporter } from './plain.js';

export type { EventSink, ProgressEvent, Reporter } from '../../cluster/progress.js';
export { formatSeconds, nullSink, runStep } from '../../cluster/progress.js';
export { JsonReporter } from './json.js';
export { PlainReporter } from './plain.js';

export interface ReporterChoice {
  /** The command's -o flag: "json" asks for machine-readable progress too. */
  output?: string;
  /** Whether the progress stream (stderr) is a terminal. */
  isTTY: boolean;
  stream?: NodeJS.WriteStream;
}

export async function chooseReporter(choice: ReporterChoice): Promise<Reporter> {
  const stream = choice.stream ?? process.stderr;
  if (choice.output === 'json') return new JsonReporter(stream);
  if (!choice.isTTY) return new PlainReporter(stream);
  // Imported here, not at the top: ink and React cost a second to load, and most runs never draw.
  const { InkReporter } = await import('./ink.js');
  return new InkReporter(stream);
}
