// c-string decoding: simple escapes, octal escapes as UTF-8 bytes, and string scanning.
import { describe, expect, it } from 'vitest';
import { decodeCString, readCString } from '../../src/mi/c-string.js';
import { MiParseError } from '../../src/mi/mi-record.js';
import { fixtureLine } from './fixtures.js';

describe('decodeCString', () => {
  it.each<[string, string, string]>([
    ['plain text', 'hello', 'hello'],
    ['empty', '', ''],
    ['tab and newline', 'a\\tb\\n', 'a\tb\n'],
    ['every simple escape', '\\n\\t\\r\\"\\\\\\a\\b\\f\\v\\e', '\n\t\r"\\\x07\b\f\v\x1b'],
    ['octal UTF-8 (2 bytes)', 'caf\\303\\251', 'café'],
    ['octal UTF-8 (3 bytes)', '\\342\\202\\254', '€'],
    ['octal UTF-8 (4 bytes)', '\\360\\237\\230\\200', '😀'],
    ['literal non-ASCII passes through', 'é😀', 'é😀'],
    ['literal and octal UTF-8 mixed', 'é\\303\\251', 'éé'],
    ['one-digit octal', '\\0x', '\0x'],
    ['two-digit octal', '\\12', '\n'],
    ['octal stops after three digits', '\\1234', 'S4'],
    ['octal stops at a non-octal digit', '\\18', '\x018'],
    ['escaped backslash before digits is not octal', '\\\\001', '\\001'],
    ['invalid UTF-8 becomes U+FFFD', 'a\\377b', 'a\uFFFDb'],
    ['a leading BOM is kept', '\\357\\273\\277x', '\uFEFFx'],
  ])('%s', (_what, body, expected) => {
    expect(decodeCString(body)).toBe(expected);
  });

  it.each<[string, string, number]>([
    ['unknown escape', 'a\\qb', 1],
    ['octal above 255', '\\777', 0],
    ['dangling backslash', 'ab\\', 2],
  ])('rejects %s', (_what, body, offset) => {
    expect(() => decodeCString(body)).toThrow(MiParseError);
    expect(() => decodeCString(body)).toThrow(expect.objectContaining({ offset }));
  });
});

describe('readCString', () => {
  it.each<[string, string, number, string, number]>([
    ['escape-free string', 'x"ab"y', 1, 'ab', 5],
    ['escaped quote does not close', '"a\\"b"', 0, 'a"b', 6],
    ['escaped backslash before the closing quote', '"a\\\\",', 0, 'a\\', 5],
    ['real console line with octal UTF-8', fixtureLine('attach-session.mi', '~"caf'), 1, 'café\n', 16],
  ])('%s', (_what, src, open, text, end) => {
    expect(readCString(src, open)).toEqual({ text, end });
  });

  it.each<[string, string, number, number]>([
    ['unterminated', 'x"abc', 1, 1],
    ['unterminated after an escape', '"a\\"', 0, 0],
    ['not at a quote', 'abc', 1, 1],
  ])('rejects %s', (_what, src, open, offset) => {
    expect(() => readCString(src, open)).toThrow(expect.objectContaining({ kind: 'mi-parse', line: src, offset }));
  });
});
