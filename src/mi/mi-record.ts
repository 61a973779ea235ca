// Types for parsed GDB/MI output records, the parser's error types, and small typed accessors
// that command wrappers use to pull fields out of result tuples without casting.

/** A MI value: a c-string constant, a tuple, or a list. */
export type MiValue = string | MiTuple | MiValue[];

/**
 * A MI tuple `{name=value,...}`. Tuples are null-prototype objects, so names such as
 * `__proto__` or `toString` are ordinary keys. If gdb repeats a name inside one tuple, the
 * FIRST value is kept and later ones are dropped (gdb's own MI consumers behave the same way).
 * A list of results (`[frame={..},frame={..}]`) becomes an array of single-key tuples.
 */
export interface MiTuple {
  readonly [name: string]: MiValue;
}

export type MiResultClass = 'done' | 'running' | 'connected' | 'error' | 'exit';

export type MiRecord =
  | { kind: 'result'; token?: number; resultClass: MiResultClass; results: MiTuple }
  | { kind: 'exec' | 'status' | 'notify'; token?: number; asyncClass: string; results: MiTuple }
  | { kind: 'console' | 'target' | 'log'; text: string }
  | { kind: 'prompt' };

/**
 * Thrown by the parser on malformed input. `line` is the input as given; `offset` is the 0-based
 * column of the problem (for an unterminated string, tuple or list: its opening delimiter).
 */
export class MiParseError extends Error {
  readonly kind = 'mi-parse' as const;
  constructor(
    message: string,
    readonly line: string,
    readonly offset: number,
  ) {
    super(`${message} at column ${offset}: ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line)}`);
    this.name = 'MiParseError';
  }
}

/** Thrown by the accessors when a well-formed record does not have the expected shape. */
export class MiShapeError extends Error {
  readonly kind = 'mi-shape' as const;
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'MiShapeError';
  }
}

/** True when a value is a tuple (not a string and not a list). */
export function isMiTuple(v: MiValue | undefined): v is MiTuple {
  return typeof v === 'object' && !Array.isArray(v);
}

/** Describe a value's shape for error messages. */
function shapeOf(v: MiValue | undefined): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return 'a string';
  return Array.isArray(v) ? 'a list' : 'a tuple';
}

/** Own-property lookup, so inherited names can never leak in. */
function field(t: MiTuple, name: string): MiValue | undefined {
  return Object.prototype.hasOwnProperty.call(t, name) ? t[name] : undefined;
}

/** Required string field; throws MiShapeError if missing or not a string. */
export function miString(t: MiTuple, name: string): string {
  const v = field(t, name);
  if (typeof v !== 'string') throw new MiShapeError(`MI field "${name}" should be a string but is ${shapeOf(v)}`, name);
  return v;
}

/** Optional string field; undefined if missing, throws MiShapeError if present but not a string. */
export function miOptString(t: MiTuple, name: string): string | undefined {
  const v = field(t, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new MiShapeError(`MI field "${name}" should be a string but is ${shapeOf(v)}`, name);
  return v;
}

/** Required tuple field; throws MiShapeError if missing or not a tuple. */
export function miTuple(t: MiTuple, name: string): MiTuple {
  const v = field(t, name);
  if (!isMiTuple(v)) throw new MiShapeError(`MI field "${name}" should be a tuple but is ${shapeOf(v)}`, name);
  return v;
}

/** Required list field; throws MiShapeError if missing or not a list. */
export function miList(t: MiTuple, name: string): MiValue[] {
  const v = field(t, name);
  if (!Array.isArray(v)) throw new MiShapeError(`MI field "${name}" should be a list but is ${shapeOf(v)}`, name);
  return v;
}
