// The time options: --timeout, --max-pause (and watch's --interval, in its own test) share one
// parser bounded by what a timer can hold, so a huge value is refused instead of firing at once.
import { describe, expect, it } from 'vitest';
import { maxTimerMs, parseMaxPause, parseTimeout } from '../../src/cli/options.js';

describe('--timeout', () => {
  it.each<[string, number]>([
    ['1', 1000],
    ['0.25', 250],
    ['0.001', 1],
    ['2147483.647', maxTimerMs],
  ])('takes %j as %i ms', (text, ms) => {
    expect(parseTimeout(text)).toBe(ms);
  });

  it.each(['0', '0.0004', '2147484', '2147483.648', '1e9', '-1', 'abc', ''])('refuses %j, naming --timeout and its bounds', (text) => {
    expect(() => parseTimeout(text)).toThrow(/^--timeout must be (a number of seconds )?from 0\.001 to 2147483\.647 seconds \(about 24\.9 days, the longest a timer can wait\), not ".*"$/);
  });

  it('is undefined when not given', () => {
    expect(parseTimeout(undefined)).toBeUndefined();
  });
});

describe('--max-pause', () => {
  it.each<[string, number]>([
    ['30', 30_000],
    ['0', 0],
    ['0.5', 500],
  ])('takes %j as %i ms (0: no limit)', (text, ms) => {
    expect(parseMaxPause(text)).toBe(ms);
  });

  it.each(['2147484', '-1', 'x'])('refuses %j', (text) => {
    expect(() => parseMaxPause(text)).toThrow(/^--max-pause must be/);
  });
});
