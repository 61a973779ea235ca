// Reads text line by line in bounded memory, whatever comes in. readline keeps a line whole however
// long it grows: `parse-log /dev/zero` built one string until V8 gave up ("Invalid string length").
// Here a line longer than the cap is never assembled: it comes out once, without its text, as soon
// as it passes the cap, and the rest of it is skipped up to its newline. Lines end at "\n"; a "\r"
// before it is dropped (CRLF files). Splitting bytes at "\n" is safe for UTF-8, whose multi-byte
// sequences never contain that byte.
import { KamheapError } from '../errors.js';

/** A line of the input; `text` is undefined for a line longer than the cap (skipped, not kept). */
export interface InputLine {
  /** 1-based line number. */
  number: number;
  text: string | undefined;
}

export interface LineLimits {
  /** The input's name for messages ("-" for stdin). */
  name: string;
  /** Longest line kept, in bytes (without its newline). */
  maxLineBytes: number;
  /** An input with no newline at all in this many first bytes is not text: a bad-input error. */
  firstNewlineWithin?: number;
  /** What the input should have been, for that error: "text log" gives "... : not a text log". */
  expected?: string;
}

/** The lines of `input`, holding at most about `maxLineBytes` plus a chunk in memory. */
export async function* readLines(input: AsyncIterable<Buffer | string>, limits: LineLimits): AsyncGenerator<InputLine> {
  let number = 1;
  let pieces: Buffer[] = [];
  let kept = 0;
  let skipping = false;
  let total = 0;
  let sawNewline = false;
  for await (const data of input) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    total += chunk.length;
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      if (!skipping && kept + (end - start) > limits.maxLineBytes) {
        skipping = true;
        pieces = [];
        kept = 0;
        yield { number, text: undefined };
      } else if (!skipping) {
        pieces.push(chunk.subarray(start, end));
        kept += end - start;
      }
      if (newline < 0) break;
      if (!skipping) yield { number, text: lineText(pieces, kept) };
      number++;
      pieces = [];
      kept = 0;
      skipping = false;
      sawNewline = true;
      start = newline + 1;
    }
    if (!sawNewline && limits.firstNewlineWithin !== undefined && total > limits.firstNewlineWithin) {
      throw new KamheapError('bad-input', `${limits.name} has no newline in its first ${sizeText(limits.firstNewlineWithin)}: not a ${limits.expected ?? 'text file'}`);
    }
  }
  // The last line, when the input does not end with a newline.
  if (!skipping && kept > 0) yield { number, text: lineText(pieces, kept) };
}

/** "1 MiB", "64 KiB", "100 bytes": a limit as the messages name it. */
export function sizeText(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}

// The kept pieces as text, without a CRLF file's "\r".
function lineText(pieces: Buffer[], length: number): string {
  const text = (pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, length)).toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
