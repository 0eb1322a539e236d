// The subset of kubectl/client-go JSONPath that CRDs use in additionalPrinterColumns and
// selectableFields: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `.*` and filters such as
// `[?(@.type=="Ready")]`. Missing keys yield no result rather than an error, as the CRD table
// convertor sets AllowMissingKeys(true).

type Literal = string | number | boolean | null;
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op?: CompareOp; value?: Literal };

export class JsonPathError extends Error {}

class Parser {
  private pos = 0;
  private inFilter = false; // inside [?(...)], a name also ends at an operator, a space or ")"

  constructor(private readonly src: string) {}

  parse(): Step[] {
    const steps: Step[] = [];
    while (this.pos < this.src.length) steps.push(this.step());
    return steps;
  }

  private step(): Step {
    const ch = this.src[this.pos];
    if (ch === '.') {
      this.pos++;
      if (this.src[this.pos] === '.') throw new JsonPathError('recursive descent (..) is not supported');
      const name = this.fieldName();
      return name === '*' ? { kind: 'wildcard' } : { kind: 'field', name };
    }
    if (ch === '[') return this.bracket();
    throw new JsonPathError(`unexpected ${JSON.stringify(ch)} at ${this.pos} in ${this.src}`);
  }

  /** A dotted name, up to the next unescaped `.` or `[`; `\.` escapes a dot. */
  private fieldName(): string {
    let name = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && this.src[this.pos + 1] === '.') {
        name += '.';
        this.pos += 2;
        continue;
      }
      if (ch === '.' || ch === '[') break;
      if (this.inFilter && /[=!<>) \]]/.test(ch)) break;
      name += ch;
      this.pos++;
    }
    if (!name) throw new JsonPathError(`empty field name in ${this.src}`);
    return name;
  }

  private bracket(): Step {
    this.pos++; // [
    const ch = this.src[this.pos];
    let step: Step;
    if (ch === "'" || ch === '"') step = { kind: 'field', name: this.quoted() };
    else if (ch === '*') {
      this.pos++;
      step = { kind: 'wildcard' };
    } else if (ch === '?') step = this.filter();
    else step = { kind: 'index', index: this.integer() };
    this.expect(']');
    return step;
  }

  private quoted(): string {
    const quote = this.src[this.pos++];
    let out = '';
    while (this.pos < this.src.length && this.src[this.pos] !== quote) {
      if (this.src[this.pos] === '\\') this.pos++;
      out += this.src[this.pos++];
    }
    this.expect(quote);
    return out;
  }

  private integer(): number {
    const match = /^-?\d+/.exec(this.src.slice(this.pos));
    if (!match) throw new JsonPathError(`expected an index at ${this.pos} in ${this.src}`);
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private filter(): Step {
    this.expect('?');
    this.expect('(');
    this.skipSpaces();
    this.expect('@');
    const path: Step[] = [];
    this.inFilter = true;
    while (this.src[this.pos] === '.' || this.src[this.pos] === '[') path.push(this.step());
    this.inFilter = false;
    this.skipSpaces();
    let step: Step = { kind: 'filter', path };
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.src.slice(this.pos))?.[0] as CompareOp | undefined;
    if (op) {
      this.pos += op.length;
      this.skipSpaces();
      step = { kind: 'filter', path, op, value: this.literal() };
      this.skipSpaces();
    }
    this.expect(')');
    return step;
  }

  private literal(): Literal {
    const ch = this.src[this.pos];
    if (ch === "'" || ch === '"') return this.quoted();
    const match = /^(true|false|null|-?\d+(\.\d+)?)/.exec(this.src.slice(this.pos));
    if (!match) throw new JsonPathError(`expected a literal at ${this.pos} in ${this.src}`);
    this.pos += match[0].length;
    return match[0] === 'true' ? true : match[0] === 'false' ? false : match[0] === 'null' ? null : Number(match[0]);
  }

  private skipSpaces(): void {
    while (this.src[this.pos] === ' ') this.pos++;
  }

  private expect(ch: string): void {
    if (this.src[this.pos] !== ch) throw new JsonPathError(`expected ${JSON.stringify(ch)} at ${this.pos} in ${this.src}`);
    this.pos++;
  }
}

/** Parses ".spec.replicas" (also accepted: "{.spec.replicas}", "$.spec.replicas"). */
export function parseJsonPath(expr: string): Step[] {
  let src = expr.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  if (src.startsWith('$')) src = src.slice(1);
  return new Parser(src).parse();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compare(left: unknown, op: CompareOp, right: Literal): boolean {
  if (op === '==' || op === '!=') {
    const equal = typeof right === 'number' && typeof left === 'number' ? left === right : String(left) === String(right);
    return op === '==' ? equal : !equal;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  return op === '<' ? left < right : op === '<=' ? left <= right : op === '>' ? left > right : left >= right;
}

function matchesFilter(element: unknown, step: Extract<Step, { kind: 'filter' }>): boolean {
  const found = evaluateSteps(step.path, [element]);
  if (step.op === undefined) return found.length > 0 && found[0] !== null && found[0] !== false;
  return found.length > 0 && compare(found[0], step.op, step.value ?? null);
}

function apply(step: Step, node: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      return isRecord(node) && step.name in node ? [node[step.name]] : [];
    case 'index': {
      if (!Array.isArray(node)) return [];
      const i = step.index < 0 ? node.length + step.index : step.index;
      return i >= 0 && i < node.length ? [node[i]] : [];
    }
    case 'wildcard':
      return Array.isArray(node) ? node : isRecord(node) ? Object.values(node) : [];
    case 'filter': {
      const elements = Array.isArray(node) ? node : isRecord(node) ? Object.values(node) : [];
      return elements.filter((e) => matchesFilter(e, step));
    }
  }
}

export function evaluateSteps(steps: Step[], nodes: unknown[]): unknown[] {
  return steps.reduce<unknown[]>((current, step) => current.flatMap((node) => apply(step, node)), nodes);
}

/** Every value the path selects in `data`. */
export function evaluateJsonPath(expr: string | Step[], data: unknown): unknown[] {
  return evaluateSteps(typeof expr === 'string' ? parseJsonPath(expr) : expr, [data]);
}

/** How Go's fmt prints a decoded JSON value (jsonpath's text output for non-strings). */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value).sort().map((k) => `${k}:${goFormat(value[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}
