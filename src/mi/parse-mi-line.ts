// Parses ONE line of GDB/MI (mi3) output into a typed MiRecord. Pure and cursor-based: no I/O,
// no regex backtracking over the whole line; malformed input throws MiParseError, never garbage.
import { readCString } from './c-string.js';
import { MiParseError, type MiRecord, type MiResultClass, type MiTuple, type MiValue } from './mi-record.js';

export { MiParseError } from './mi-record.js';

/*
 * GDB/MI output grammar (GDB manual, "GDB/MI Output Syntax"):
 *
 *   output             → ( out-of-band-record )* [ result-record ] "(gdb)" nl
 *   result-record      → [ token ] "^" result-class ( "," result )* nl
 *   out-of-band-record → async-record | stream-record
 *   async-record       → exec-async-output | status-async-output | notify-async-output
 *   exec-async-output  → [ token ] "*" async-output nl
 *   status-async-output→ [ token ] "+" async-output nl
 *   notify-async-output→ [ token ] "=" async-output nl
 *   async-output       → async-class ( "," result )*
 *   result-class       → "done" | "running" | "connected" | "error" | "exit"
 *   async-class        → "stopped" | others
 *   result             → variable "=" value
 *   variable           → string
 *   value              → const | tuple | list
 *   const              → c-string
 *   tuple              → "{}" | "{" result ( "," result )* "}"
 *   list               → "[]" | "[" value ( "," value )* "]" | "[" result ( "," result )* "]"
 *   stream-record      → console-stream-output | target-stream-output | log-stream-output
 *   console-stream-output → "~" c-string nl
 *   target-stream-output  → "@" c-string nl
 *   log-stream-output     → "&" c-string nl
 *   nl                 → CR | CR-LF
 *   token              → any sequence of digits
 *
 * This parser handles one line at a time (the caller splits on newlines), so `output` reduces
 * to "one record or the prompt per line". `(gdb)` may be followed by spaces (gdb prints
 * "(gdb) "). A `variable`/class name is a non-empty run of characters other than whitespace,
 * control characters and the structural characters = , { } [ ] " \.
 */

const RESULT_CLASSES: ReadonlySet<string> = new Set<MiResultClass>(['done', 'running', 'connected', 'error', 'exit']);
const ASYNC_KINDS: Readonly<Record<string, 'exec' | 'status' | 'notify'>> = { '*': 'exec', '+': 'status', '=': 'notify' };
const STREAM_KINDS: Readonly<Record<string, 'console' | 'target' | 'log'>> = { '~': 'console', '@': 'target', '&': 'log' };
const PROMPT = /^\(gdb\) *$/;
const NAME_STOP = /[\s\x00-\x1f\x7f=,{}[\]"\\]/;

/** Parse one line of MI output; a trailing "\r", "\n" or "\r\n" is ignored. */
export function parseMiLine(line: string): MiRecord {
  return new Cursor(line).record();
}

/** A position in the line plus the grammar productions as methods. */
class Cursor {
  private pos = 0;
  private readonly end: number;

  constructor(private readonly line: string) {
    let end = line.length;
    if (line[end - 1] === '\n') end--;
    if (line[end - 1] === '\r') end--;
    this.end = end;
  }

  /** Throw a MiParseError at `at` (default: the cursor). */
  private fail(message: string, at: number = this.pos): never {
    throw new MiParseError(message, this.line, at);
  }

  /** The character under the cursor, or undefined at end of line. */
  private peek(): string | undefined {
    return this.pos < this.end ? this.line[this.pos] : undefined;
  }

  /** Consume `ch` if it is under the cursor. */
  private eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  /** record → prompt | stream-record | [token] (result-record | async-record), then end of line. */
  record(): MiRecord {
    if (this.line.startsWith('(gdb)') && PROMPT.test(this.line.slice(0, this.end))) return { kind: 'prompt' };
    const token = this.token();
    const sigil = this.peek();
    if (sigil === undefined) this.fail(token === undefined ? 'empty line' : 'expected record type after token');
    this.pos++;
    let rec: MiRecord;
    const stream = STREAM_KINDS[sigil];
    const asyncKind = ASYNC_KINDS[sigil];
    if (stream !== undefined) {
      if (token !== undefined) this.fail('stream records cannot carry a token', 0);
      rec = { kind: stream, text: this.cstring() };
    } else if (sigil === '^') {
      const at = this.pos;
      const cls = this.name('result class');
      if (!RESULT_CLASSES.has(cls)) this.fail(`unknown result class "${cls}"`, at);
      rec = { kind: 'result', ...(token !== undefined && { token }), resultClass: cls as MiResultClass, results: this.trailingResults() };
    } else if (asyncKind !== undefined) {
      const asyncClass = this.name('async class');
      rec = { kind: asyncKind, ...(token !== undefined && { token }), asyncClass, results: this.trailingResults() };
    } else {
      this.fail(`unexpected character ${JSON.stringify(sigil)} at start of record`, this.pos - 1);
    }
    if (this.pos !== this.end) this.fail('expected end of line');
    return rec;
  }

  /** token → digits (optional); must be a safe integer. */
  private token(): number | undefined {
    const start = this.pos;
    while (this.pos < this.end && this.line.charCodeAt(this.pos) >= 0x30 && this.line.charCodeAt(this.pos) <= 0x39) this.pos++;
    if (this.pos === start) return undefined;
    const n = Number(this.line.slice(start, this.pos));
    if (!Number.isSafeInteger(n)) this.fail('token is too large', start);
    return n;
  }

  /** A variable, result class or async class: a non-empty run of name characters. */
  private name(what: string): string {
    const start = this.pos;
    while (this.pos < this.end && !NAME_STOP.test(this.line[this.pos] ?? '')) this.pos++;
    if (this.pos === start) this.fail(`expected ${what}`);
    return this.line.slice(start, this.pos);
  }

  /** ( "," result )* up to the end of the line, collected into a tuple. */
  private trailingResults(): MiTuple {
    const out = newTuple();
    while (this.eat(',')) this.result(out);
    return out;
  }

  /** result → variable "=" value; stored into `into` unless the name is already there. */
  private result(into: Record<string, MiValue>): void {
    const key = this.name('result name');
    if (!this.eat('=')) this.fail("expected '=' after result name");
    const value = this.value();
    if (!Object.prototype.hasOwnProperty.call(into, key)) into[key] = value; // duplicates: keep the first
  }

  /** value → const | tuple | list */
  private value(): MiValue {
    const ch = this.peek();
    if (ch === '"') return this.cstring();
    if (ch === '{') return this.tuple();
    if (ch === '[') return this.list();
    return this.fail('expected value (\'"\', \'{\' or \'[\')');
  }

  /** tuple → "{}" | "{" result ( "," result )* "}" */
  private tuple(): MiTuple {
    const open = this.pos++;
    const out = newTuple();
    if (this.eat('}')) return out;
    for (;;) {
      this.result(out);
      const ch = this.peek();
      this.pos++;
      if (ch === '}') return out;
      if (ch === undefined) this.fail('unterminated tuple', open);
      if (ch !== ',') this.fail("expected ',' or '}' in tuple", this.pos - 1);
    }
  }

  /** list → "[]" | "[" value ( "," value )* "]" | "[" result ( "," result )* "]" */
  private list(): MiValue[] {
    const open = this.pos++;
    const out: MiValue[] = [];
    if (this.eat(']')) return out;
    const ofResults = !'"{['.includes(this.peek() ?? '"');
    for (;;) {
      if (ofResults) {
        const single = newTuple();
        this.result(single);
        out.push(single);
      } else {
        out.push(this.value());
      }
      const ch = this.peek();
      this.pos++;
      if (ch === ']') return out;
      if (ch === undefined) this.fail('unterminated list', open);
      if (ch !== ',') this.fail("expected ',' or ']' in list", this.pos - 1);
    }
  }

  /** const → c-string; its closing quote always lies before any stripped trailing CR/LF. */
  private cstring(): string {
    const { text, end } = readCString(this.line, this.pos);
    this.pos = end;
    return text;
  }
}

/** An empty null-prototype tuple, so any gdb name (even "__proto__") is a plain key. */
function newTuple(): Record<string, MiValue> {
  return Object.create(null) as Record<string, MiValue>;
}
