// Hex dump lines and printable runs, on bytes taken from a real htable cell.
import { describe, expect, it } from 'vitest';
import { hexDump, printableStrings } from '../../src/export/hex-dump.js';

const cell = Buffer.from('0000000000000000312d3134353035403132372e302e302e310073697 03a75782d31403132372e302e302e3100000000'.replace(/ /g, ''), 'hex');

describe('hexDump', () => {
  it('prints offset, 16 hex bytes and their text', () => {
    expect(hexDump(cell)).toEqual([
      '0000  00 00 00 00 00 00 00 00 31 2d 31 34 35 30 35 40  ........1-14505@',
      '0010  31 32 37 2e 30 2e 30 2e 31 00 73 69 70 3a 75 78  127.0.0.1.sip:ux',
      '0020  2d 31 40 31 32 37 2e 30 2e 30 2e 31 00 00 00 00  -1@127.0.0.1....',
    ]);
  });

  it('pads a short last line', () => {
    expect(hexDump(Buffer.from('ab', 'utf8'))).toEqual([`0000  61 62${' '.repeat(42)}  ab`]);
  });
});

describe('printableStrings', () => {
  it('finds the Call-ID and the From URI', () => {
    expect(printableStrings(cell)).toEqual(['1-14505@127.0.0.1', 'sip:ux-1@127.0.0.1']);
  });
});
