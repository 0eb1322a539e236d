// Data output for stdout: the -o flag and kubectl-style tables.
import { ExitCode, UserError } from '../errors.js';

/** Checks a command's -o value against the formats it offers (the first is the default). */
export function outputFormat<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`unknown output format "${value}"`, `use -o ${allowed.join(' or -o ')}`, ExitCode.usage);
}

/** Columns padded to the widest cell, three spaces apart, as kubectl prints tables. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd();
  return [headers, ...rows].map(line).join('\n') + '\n';
}
