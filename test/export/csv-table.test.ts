// RFC 4180 cells, and text from the target's memory that a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from '../../src/export/csv-table.js';

describe('csvCell', () => {
  it.each<[string | number | null | undefined, string]>([
    ['tm: h_table.c', 'tm: h_table.c'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['+1', "'+1"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['a=b', 'a=b'],
    [-42, '-42'],
    [0, '0'],
    [null, ''],
    [undefined, ''],
    ['', ''],
  ])('%j -> %j', (cell, expected) => {
    expect(csvCell(cell)).toBe(expected);
  });
});

describe('csvTable', () => {
  it('a header and a line per row, CRLF-ended', () => {
    expect(csvTable(['a', 'b'], [[1, 'x,y'], [-2, null]])).toBe('a,b\r\n1,"x,y"\r\n-2,\r\n');
  });
});
