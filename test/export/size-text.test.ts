import { describe, expect, it } from 'vitest';
import { shareText, signedCountText, signedSizeText, sizeText } from '../../src/export/size-text.js';

describe('sizeText', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [11_744_051, '11.2 MiB'],
    [8_299_968, '7.92 MiB'],
    [67_108_864, '64.0 MiB'],
    [2 ** 31, '2.00 GiB'],
    [157 * 2 ** 20, '157 MiB'],
    [-1536, '-1.50 KiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });

  it('prints raw byte counts with --bytes', () => {
    expect(sizeText(11_744_051, 'raw')).toBe('11744051');
    expect(signedSizeText(2048, 'raw')).toBe('+2048');
    expect(signedSizeText(-2048)).toBe('-2.00 KiB');
    expect(signedSizeText(0)).toBe('0 B');
  });
});

describe('signedCountText and shareText', () => {
  it.each([
    [3, '+3'],
    [0, '0'],
    [-2, '-2'],
  ])('count %d -> %s', (n, text) => {
    expect(signedCountText(n)).toBe(text);
  });

  it.each([
    [0.123, '12.3%'],
    [0, '0.0%'],
    [1, '100.0%'],
  ])('share %d -> %s', (share, text) => {
    expect(shareText(share)).toBe(text);
  });
});
