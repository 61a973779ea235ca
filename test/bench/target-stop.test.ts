// The external stop sampler's result line (bench/stop-sampler.c), as captured from real runs.
import { describe, expect, it } from 'vitest';
import { parseSamplerLine } from '../../bench/target-stop.js';

describe('parseSamplerLine', () => {
  it('reads a run with three stops (three raw reads of a 64 MB heap, captured)', () => {
    const line =
      'samples=1264 stopped_samples=183 spans=3 stopped_us=182327 stopped_upper_us=188892 first_us=287879 last_us=1086148 max_gap_us=4894 mean_gap_us=1030 gone=0\n';
    expect(parseSamplerLine(line)).toEqual({
      stoppedMs: 182.327,
      stoppedUpperMs: 188.892,
      spans: 3,
      firstToLastMs: 798.269,
      maxGapMs: 4.894,
      meanGapMs: 1.03,
      samples: 1264,
      stoppedSamples: 183,
    });
  });

  it('gives null stop figures when the target was never seen stopped (a live read, captured)', () => {
    const line = 'samples=88 stopped_samples=0 spans=0 stopped_us=0 stopped_upper_us=0 first_us=-1 last_us=-1 max_gap_us=8512 mean_gap_us=1150 gone=0';
    const seen = parseSamplerLine(line);
    expect(seen.stoppedMs).toBeNull();
    expect(seen.stoppedUpperMs).toBeNull();
    expect(seen.firstToLastMs).toBeNull();
    expect(seen.spans).toBe(0);
    expect(seen.maxGapMs).toBe(8.512);
  });

  it('counts a single stopped sample as a stop of 0 ms (shorter than the sampling gap)', () => {
    const line = 'samples=959 stopped_samples=1 spans=1 stopped_us=0 stopped_upper_us=2065 first_us=312071 last_us=312071 max_gap_us=7731 mean_gap_us=1082 gone=0';
    const seen = parseSamplerLine(line);
    expect(seen.stoppedMs).toBe(0);
    expect(seen.stoppedUpperMs).toBe(2.065);
    expect(seen.firstToLastMs).toBe(0);
  });

  it.each([
    ['a missing field', 'samples=1 stopped_samples=0 spans=0'],
    ['a field that is not key=integer', 'samples=1 spans=x'],
    ['the ready line', 'ready'],
  ])('throws on %s', (_, line) => {
    expect(() => parseSamplerLine(line)).toThrow(/stop-sampler/);
  });
});
