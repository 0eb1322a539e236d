// A standard 5-field cron schedule (robfig/cron/v3's ParseStandard, which the upstream CronJob
// controller uses): minute hour day-of-month month day-of-week, with ranges, steps, lists, month and
// weekday names, the `@hourly`-style descriptors and `@every <duration>`. Next times are computed in
// wall-clock time of a time zone (IANA name through Intl), UTC by default, then mapped back to an
// instant: wall times skipped by a DST jump never fire, repeated ones fire once.

export interface CronSchedule {
  /** The first activation strictly after `after`, or undefined if none in the next five years. */
  next(after: Date): Date | undefined;
}

export class CronParseError extends Error {}

interface FieldSpec {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELD_SPECS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** One parsed field: which values match, and whether it was written as `*` (matters for days). */
interface Field {
  values: boolean[];
  star: boolean;
}

function parseNumber(text: string, spec: FieldSpec): number {
  const named = spec.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}`);
  return Number.parseInt(text, 10);
}

/** One comma-separated part: `*`, `?`, `N`, `N-M`, each optionally `/step`. */
function parseRange(expr: string, spec: FieldSpec, field: Field): void {
  const [rangePart, stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new CronParseError(`too many slashes: ${expr}`);
  const bounds = rangePart.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (rangePart === '*' || rangePart === '?') {
    [start, end, star] = [spec.min, spec.max, true];
  } else if (bounds.length <= 2) {
    start = parseNumber(bounds[0], spec);
    end = bounds.length === 2 ? parseNumber(bounds[1], spec) : start;
  } else {
    throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (stepPart !== undefined) {
    step = parseNumber(stepPart, { min: 0, max: 0 });
    if (step <= 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
    // "N/step" means "N-max/step".
    if (!star && bounds.length === 1) end = spec.max;
  }
  if (start < spec.min) throw new CronParseError(`beginning of range (${start}) below minimum (${spec.min}): ${expr}`);
  if (end > spec.max) throw new CronParseError(`end of range (${end}) above maximum (${spec.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  for (let v = start; v <= end; v += step) field.values[v] = true;
  // robfig keeps the "star" marker only for an unstepped wildcard.
  if (star && step === 1) field.star = true;
}

function parseField(text: string, spec: FieldSpec): Field {
  const field: Field = { values: [], star: false };
  for (const part of text.split(',')) parseRange(part, spec, field);
  return field;
}

/** Go's time.ParseDuration, in milliseconds (for `@every`). */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  if (!text) throw new CronParseError(`time: invalid duration "${text}"`);
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new CronParseError(`time: invalid duration "${text}"`);
    total += Number.parseFloat(m[1]) * units[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

class SpecSchedule implements CronSchedule {
  constructor(
    private readonly fields: Field[],
    private readonly zone: ZoneClock,
  ) {}

  next(after: Date): Date | undefined {
    const afterMs = after.getTime();
    // The first whole minute strictly after `after`, in wall-clock time.
    let wall = Math.floor(this.zone.toWall(afterMs) / 60_000) * 60_000 + 60_000;
    for (let attempts = 0; attempts < 1000; attempts++) {
      const match = nextWallMatch(this.fields, wall);
      if (match === undefined) return undefined;
      const instant = this.zone.fromWall(match).find((t) => t > afterMs);
      if (instant !== undefined) return new Date(instant);
      wall = match + 60_000; // skipped by a DST jump, or already past: keep looking
    }
    return undefined;
  }
}

class EverySchedule implements CronSchedule {
  constructor(private readonly delayMs: number) {}

  next(after: Date): Date {
    // robfig: t + delay - t's sub-second part.
    const ms = after.getTime();
    return new Date(ms + this.delayMs - (((ms % 1000) + 1000) % 1000));
  }
}

function dayMatches(fields: Field[], d: Date): boolean {
  const dom = fields[2].values[d.getUTCDate()] === true;
  const dow = fields[4].values[d.getUTCDay()] === true;
  // Standard cron: when both day fields are restricted, either may match.
  if (fields[2].star || fields[4].star) return dom && dow;
  return dom || dow;
}

/** The first wall-clock minute at or after `fromWall` matching every field (wall times are UTC-encoded). */
function nextWallMatch(fields: Field[], fromWall: number): number | undefined {
  const t = new Date(fromWall);
  const yearLimit = t.getUTCFullYear() + 5;
  for (;;) {
    if (t.getUTCFullYear() > yearLimit) return undefined;
    if (!fields[3].values[t.getUTCMonth() + 1]) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(fields, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!fields[1].values[t.getUTCHours()]) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!fields[0].values[t.getUTCMinutes()]) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t.getTime();
  }
}

/** Converts between instants and wall-clock times (encoded as UTC milliseconds) of one time zone. */
export class ZoneClock {
  private readonly format?: Intl.DateTimeFormat;

  constructor(readonly timeZone: string = 'UTC') {
    if (timeZone === 'UTC' || timeZone === '' || timeZone === 'Etc/UTC') return;
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new CronParseError(`unknown time zone ${timeZone}`);
    }
  }

  /** The zone's offset from UTC at `instant`, in milliseconds. */
  offset(instant: number): number {
    if (!this.format) return 0;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(instant))) {
      if (p.type !== 'literal') parts[p.type] = Number.parseInt(p.value, 10);
    }
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
    return wall - Math.floor(instant / 1000) * 1000;
  }

  toWall(instant: number): number {
    return instant + this.offset(instant);
  }

  /** The instants showing `wall` on the zone's clocks, ascending: none in a DST gap, two in an overlap. */
  fromWall(wall: number): number[] {
    const offsets = new Set([this.offset(wall - 14 * 3_600_000), this.offset(wall), this.offset(wall + 14 * 3_600_000)]);
    const found = new Set<number>();
    for (const off of offsets) {
      const instant = wall - off;
      if (this.toWall(instant) === wall) found.add(instant);
    }
    return [...found].sort((a, b) => a - b);
  }

  /** RFC 3339 text of `instant` in this zone, as Go's time.Format(time.RFC3339) prints it. */
  rfc3339(instant: number): string {
    const off = this.offset(instant);
    const wall = new Date(Math.floor(instant / 1000) * 1000 + off).toISOString().slice(0, 19);
    if (off === 0) return `${wall}Z`;
    const sign = off < 0 ? '-' : '+';
    const abs = Math.abs(off) / 60_000;
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${wall}${sign}${hh}:${mm}`;
  }
}

/** True when `timeZone` names a zone this runtime knows (what time.LoadLocation accepts). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new ZoneClock(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses a schedule. A `TZ=` / `CRON_TZ=` prefix in the text wins over `timeZone` (as robfig does);
 * `timeZone` is the CronJob's spec.timeZone; neither means UTC.
 */
export function parseCron(spec: string, timeZone?: string): CronSchedule {
  let text = spec.trim();
  let zone = timeZone;
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/.exec(text);
  if (tz) {
    zone = tz[1];
    text = text.slice(tz[0].length).trim();
  }
  if (text.length === 0) throw new CronParseError('empty spec string');
  const clock = new ZoneClock(zone ?? 'UTC');
  if (text.startsWith('@every ')) {
    const delay = parseGoDuration(text.slice('@every '.length).trim());
    // robfig rounds below one second up to one second and drops sub-second parts.
    return new EverySchedule(Math.max(1000, Math.floor(delay / 1000) * 1000));
  }
  if (text.startsWith('@')) {
    const expanded = DESCRIPTORS[text.toLowerCase()];
    if (!expanded) throw new CronParseError(`unrecognized descriptor: ${text}`);
    text = expanded;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  return new SpecSchedule(parts.map((p, i) => parseField(p, FIELD_SPECS[i])), clock);
}
