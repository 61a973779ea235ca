// The bounded line reader: lines as readline gave them, but an over-long line is never assembled.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import { readLines, sizeText, type InputLine, type LineLimits } from '../../src/util/read-lines.js';

const limits: LineLimits = { name: 'test.log', maxLineBytes: 16 };

/** The chunks as an async input. */
async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

/** Every line the reader gives for the input. */
async function all(input: AsyncIterable<Buffer>, options: LineLimits = limits): Promise<InputLine[]> {
  const out: InputLine[] = [];
  for await (const line of readLines(input, options)) out.push(line);
  return out;
}

describe('readLines', () => {
  it.each<[string, Array<string | Buffer>, Array<string | undefined>]>([
    ['nothing', [], []],
    ['one newline', ['\n'], ['']],
    ['lines ending with a newline', ['a\nbb\n'], ['a', 'bb']],
    ['a last line without newline', ['a\nbb'], ['a', 'bb']],
    ['lines split across chunks', ['a', 'b\nc', 'd', '\n', 'e'], ['ab', 'cd', 'e']],
    ['CRLF lines', ['a\r\nb\r', '\n'], ['a', 'b']],
    ['a UTF-8 character split across chunks', [Buffer.from([0x61, 0xc3]), Buffer.from([0xa9, 0x0a])], ['aé']],
    ['empty lines', ['\n\nx\n'], ['', '', 'x']],
  ])('reads %s', async (_what, parts, expected) => {
    const lines = await all(chunks(...parts));
    expect(lines.map((l) => l.text)).toEqual(expected);
    expect(lines.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
  });

  it('keeps a line of exactly the cap, and gives a longer one once, without text', async () => {
    const lines = await all(chunks(`${'a'.repeat(16)}\n${'b'.repeat(17)}\nc\n`));
    expect(lines).toEqual([
      { number: 1, text: 'a'.repeat(16) },
      { number: 2, text: undefined },
      { number: 3, text: 'c' },
    ]);
  });

  it('skips a long line spread over many chunks and reads on after it', async () => {
    const lines = await all(chunks('x\n', ...Array.from({ length: 1000 }, () => 'y'.repeat(1000)), '\nz'));
    expect(lines).toEqual([
      { number: 1, text: 'x' },
      { number: 2, text: undefined },
      { number: 3, text: 'z' },
    ]);
  });

  it('says a line is too long as soon as it passes the cap, before it ends (an endless line)', async () => {
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('first\n');
      for (;;) yield Buffer.alloc(4096);
    }
    const seen: InputLine[] = [];
    for await (const line of readLines(endless(), limits)) {
      seen.push(line);
      if (line.text === undefined) break;
    }
    expect(seen).toEqual([
      { number: 1, text: 'first' },
      { number: 2, text: undefined },
    ]);
  });

  it('refuses an input with no newline in its first bytes as not text', async () => {
    async function* zeros(): AsyncGenerator<Buffer> {
      for (;;) yield Buffer.alloc(64 * 1024);
    }
    const error = await all(zeros(), { name: '/dev/zero', maxLineBytes: 1024, firstNewlineWithin: 1 << 20, expected: 'text log' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KamheapError);
    expect(error).toMatchObject({ kind: 'bad-input', message: '/dev/zero has no newline in its first 1 MiB: not a text log' });
  });

  it('reads on past that bound once a newline came', async () => {
    const lines = await all(chunks('a\n', Buffer.alloc(3 << 20), '\nb\n'), { name: 'x', maxLineBytes: 1024, firstNewlineWithin: 1 << 20 });
    expect(lines.map((l) => l.text)).toEqual(['a', undefined, 'b']);
  });
});

describe('sizeText', () => {
  it.each<[number, string]>([
    [1 << 20, '1 MiB'],
    [64 << 20, '64 MiB'],
    [64 << 10, '64 KiB'],
    [1000, '1000 bytes'],
  ])('%i is %s', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });
});
