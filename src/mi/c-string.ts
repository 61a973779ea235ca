// Decodes GDB/MI c-strings. gdb escapes `\n \t \r \" \\ \a \b \f \v \e` and writes any other
// byte it considers unprintable (including each byte of non-ASCII UTF-8) as octal `\ooo`, so
// decoding works on BYTES: literal characters contribute their UTF-8 bytes, octal escapes
// contribute one byte each, and the whole byte sequence is decoded as UTF-8 at the end.
// Invalid UTF-8 becomes U+FFFD rather than failing: the text is still worth showing.
import { MiParseError } from './mi-record.js';

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  t: 0x09,
  r: 0x0d,
  '"': 0x22,
  '\\': 0x5c,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  v: 0x0b,
  e: 0x1b,
};

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** True for an ASCII octal digit. */
function isOctal(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '7';
}

/**
 * Decode escapes in `src` from `start` until an unescaped `"` (when `quoted`) or the end.
 * Returns the text and the index of the closing quote (or `src.length`).
 */
function decodeFrom(src: string, start: number, quoted: boolean): { text: string; stop: number } {
  const bytes: number[] = [];
  let run = start; // start of the pending run of literal characters
  const flush = (end: number): void => {
    if (end > run) for (const b of Buffer.from(src.slice(run, end), 'utf8')) bytes.push(b);
  };
  let i = start;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '"' && quoted) break;
    if (ch !== '\\') {
      i++;
      continue;
    }
    flush(i);
    const esc = src[i + 1];
    if (esc === undefined) throw new MiParseError('dangling backslash in c-string', src, i);
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (isOctal(esc)) {
      let j = i + 1;
      let value = 0;
      while (j < i + 4 && isOctal(src[j])) value = value * 8 + (src.charCodeAt(j++) - 0x30);
      if (value > 0xff) throw new MiParseError(`octal escape \\${src.slice(i + 1, j)} is not a byte`, src, i);
      bytes.push(value);
      i = j;
    } else {
      throw new MiParseError(`unknown escape \\${esc} in c-string`, src, i);
    }
    run = i;
  }
  if (quoted && i >= src.length) throw new MiParseError('unterminated c-string', src, start - 1);
  flush(i);
  return { text: utf8.decode(Uint8Array.from(bytes)), stop: i };
}

/**
 * Read a quoted c-string whose opening `"` is at `line[open]`.
 * Returns the decoded text and `end`, the index just past the closing quote.
 * Throws MiParseError (offset = the opening quote) if the string is unterminated.
 */
export function readCString(line: string, open: number): { text: string; end: number } {
  if (line[open] !== '"') throw new MiParseError('expected \'"\'', line, open);
  // Fast path: a quote before any backslash closes an escape-free string.
  for (let i = open + 1; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') return { text: line.slice(open + 1, i), end: i + 1 };
    if (ch === '\\') break;
  }
  const { text, stop } = decodeFrom(line, open + 1, true);
  return { text, end: stop + 1 };
}

/** Decode a c-string body (the text between the quotes, escapes intact). */
export function decodeCString(body: string): string {
  return decodeFrom(body, 0, false).text;
}
