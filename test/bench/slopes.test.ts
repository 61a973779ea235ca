// The slope column of the size table: least squares of a figure against fragments, per million.
import { describe, expect, it } from 'vitest';
import { describeSlope, slopePerMillion } from '../../bench/slopes.js';

describe('slopePerMillion', () => {
  it('is the two-point slope through two sizes, without an R²', () => {
    const slope = slopePerMillion([
      { fragments: 116_260, value: 1_400 },
      { fragments: 1_016_260, value: 3_200 },
    ]);
    expect(slope?.perMillion).toBeCloseTo(2_000, 6);
    expect(slope?.points).toBe(2);
    expect(slope?.rSquared).toBeNull();
  });

  it('fits a line through three sizes (issue 10: 0.9 s, 2.9 s, 11 s at 114k, 1.0M, 4.5M)', () => {
    const slope = slopePerMillion([
      { fragments: 114_000, value: 900 },
      { fragments: 1_000_000, value: 2_900 },
      { fragments: 4_500_000, value: 11_000 },
    ]);
    expect(slope?.perMillion).toBeCloseTo(2_306.0, 0);
    expect(slope?.rSquared).toBeGreaterThan(0.99);
    expect(slope?.points).toBe(3);
  });

  it.each([
    ['no points', []],
    ['one point', [{ fragments: 116_260, value: 1_400 }]],
    ['values missing but one', [{ fragments: 116_260, value: 1_400 }, { fragments: 1_000_000, value: null }]],
    ['the same fragment count twice', [{ fragments: 10, value: 1 }, { fragments: 10, value: 2 }]],
  ])('is null with %s', (_, points) => {
    expect(slopePerMillion(points)).toBeNull();
  });

  it('skips sizes without the figure (a skipped column, a failed size)', () => {
    const slope = slopePerMillion([
      { fragments: 1_000_000, value: 100 },
      { fragments: 2_000_000, value: null },
      { fragments: 3_000_000, value: 300 },
    ]);
    expect(slope).toEqual({ perMillion: 100, rSquared: null, points: 2 });
  });
});

describe('describeSlope', () => {
  it.each([
    [{ perMillion: 2303.64, rSquared: 0.9991, points: 3 }, 'ms', 0, '2,304 ms/1M (3 sizes, R² 1.00)'],
    [{ perMillion: 570.25, rSquared: null, points: 2 }, 'MB', 1, '570.3 MB/1M (2 sizes)'],
    [null, 'ms', 0, 'n/a'],
  ])('%j %s', (slope, unit, digits, text) => {
    expect(describeSlope(slope, unit, digits)).toBe(text);
  });
});
