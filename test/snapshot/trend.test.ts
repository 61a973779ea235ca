// The leak-suspect rule on series that grow steadily, come and go with traffic, or stay flat.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { renderTrendReport } from '../../src/export/trend-report.js';
import { forecastRule } from '../../src/snapshot/free-forecast.js';
import { analyzeTrend } from '../../src/snapshot/trend.js';

const base = JSON.parse(readFileSync(new URL('../fixtures/snapshots/shm-before.json', import.meta.url), 'utf8')) as Snapshot;

/** Snapshots one minute apart whose extra sites have the given bytes per sample. */
function series(sites: Record<string, number[]>, free: number[]): Snapshot[] {
  return free.map((f, i) => {
    const s = structuredClone(base);
    s.createdAt = new Date(Date.parse(base.createdAt) + i * 60_000).toISOString();
    s.heap.free = f;
    for (const [name, bytes] of Object.entries(sites)) {
      const b = bytes[i] ?? 0;
      if (b > 0) s.sites.push({ module: 'test', file: 'test: t.c', function: name, line: 1, count: Math.ceil(b / 100), bytes: b });
    }
    return s;
  });
}

describe('analyzeTrend', () => {
  it.each([
    ['steady growth', [100, 200, 300, 400, 500], true],
    ['growth with one flat interval', [100, 200, 200, 300, 400], true],
    ['traffic: up and down', [100, 400, 200, 500, 300], false],
    ['flat', [300, 300, 300, 300, 300], false],
    ['one jump', [100, 100, 100, 100, 900], false],
    ['grows then drops once', [100, 200, 300, 400, 350], false],
    ['appears and grows', [0, 100, 200, 300, 400], true],
  ])('%s -> suspect %s', (_name, bytes, suspect) => {
    const trend = analyzeTrend(series({ site: bytes }, [1000, 1000, 1000, 1000, 1000]));
    expect(trend.suspects.map((s) => s.function)).toEqual(suspect ? ['site'] : []);
  });

  it('leaves flat sites out of the moving list and orders by growth', () => {
    const trend = analyzeTrend(series({ leak: [100, 200, 300], traffic: [500, 100, 900], flat: [50, 50, 50] }, [1000, 900, 800]));
    expect(trend.sites.map((s) => s.function)).toEqual(['traffic', 'leak']);
    expect(trend.suspects.map((s) => s.function)).toEqual(['leak']);
    expect(trend.sites[1]?.bytesPerMinute).toBeCloseTo(100);
  });

  it('projects free memory running out from a steady fall over ten minutes', () => {
    const trend = analyzeTrend(freeSeries(60_000, [10_000, 9_000, 8_000, 7_000, 6_000, 5_000, 4_000, 3_000, 2_000, 1_000, 500]));
    expect(trend.free.bytesPerHour).toBeLessThan(0);
    expect(trend.free.hoursToExhaustion).toBeCloseTo(500 / -trend.free.bytesPerHour);
    expect(trend.free.forecast).toMatch(/^forecast from 11 samples over 10 min: free memory fell in 10 of 10 intervals, largest step 11% of the fall, R² 1\.00$/);
    expect(trend.free.confidence).toEqual({ samples: 11, windowMs: 600_000, falls: 10, intervals: 10, largestStepShare: 0.1053, rSquared: trend.free.confidence.rSquared });
    expect(trend.free.confidence.rSquared).toBeGreaterThan(0.99);
    expect(trend.forecastRule).toBe(forecastRule);
  });
});

/** Snapshots `stepMs` apart with these free bytes (and no site of their own). */
function freeSeries(stepMs: number, free: number[]): Snapshot[] {
  return free.map((f, i) => {
    const s = structuredClone(base);
    s.createdAt = new Date(Date.parse(base.createdAt) + i * stepMs).toISOString();
    s.heap.free = f;
    return s;
  });
}

/** 31 samples a minute apart: a steady fall of `perSample` B with this jitter added. */
function falling(perSample: number, jitter: (i: number) => number): number[] {
  return Array.from({ length: 31 }, (_, i) => 50_000_000 - i * perSample + jitter(i));
}

describe('the free-memory forecast', () => {
  it.each<[string, Snapshot[], RegExp]>([
    // The operator's trial: 13 s of samples holding one burst of traffic.
    ['a burst in 13 s', freeSeries(3250, [60_000_000, 60_000_000, 59_200_000, 59_200_000, 59_200_000]), /^no forecast: 5 samples over 13 s, at least 5 samples over 10 min needed$/],
    ['a short window', freeSeries(60_000, [10_000, 9_000, 8_000]), /^no forecast: 3 samples over 2 min, at least 5 samples over 10 min needed$/],
    ['few samples over hours', freeSeries(3_600_000, [10_000, 9_000, 8_000, 7_000]), /^no forecast: 4 samples over 3 h, at least 5 samples over 10 min needed$/],
    ['one burst in half an hour', freeSeries(180_000, [60e6, 60e6, 60e6, 60e6, 60e6, 59.2e6, 59.2e6, 59.2e6, 59.2e6, 59.2e6, 59.2e6]), /^no forecast: free memory fell in 1 of 10 intervals \(10%\), at least 60% needed$/],
    ['noisy flat', freeSeries(60_000, falling(100, (i) => [0, -40_000, 25_000, -10_000, 30_000, -35_000][i % 6] ?? 0)), /^no forecast: free memory fell in 15 of 30 intervals \(50%\), at least 60% needed$/],
    ['a fall given back in bulk', freeSeries(120_000, [10_000, 9_000, 8_000, 7_000, 9_500, 8_500, 7_500, 6_500, 5_500]), /^no forecast: free memory rose by 2500 B between two samples, more than 20% of its net fall of 4500 B$/],
    // A window holding one step: the fall is one event; every interval falls and the line fits, yet it says nothing of the next.
    ['one big drop, then a slow fall', freeSeries(60_000, [10_000, 5_000, 4_990, 4_980, 4_970, 4_960, 4_950, 4_940, 4_930, 4_920, 4_910]), /^no forecast: one interval holds 98% of the net fall of 5090 B \(more than 50%\): a step, not a trend$/],
    ['a step late in a steady fall', freeSeries(60_000, [10_000, 9_990, 9_980, 9_970, 9_960, 9_950, 9_940, 9_930, 9_920, 9_910, 9_000]), /^no forecast: one interval holds 91% of the net fall of 1000 B \(more than 50%\): a step, not a trend$/],
    ['a scattered fall', freeSeries(60_000, [10_000, 9_000, 9_500, 8_000, 8_100, 7_000, 7_100, 7_050, 6_000, 6_200, 5_900, 5_950]), /^no forecast: free memory fell in 6 of 11 intervals \(55%\), at least 60% needed$/],
    ['growing', freeSeries(60_000, [1, 2, 3]), /^no forecast: free memory is not shrinking$/],
    ['flat', freeSeries(60_000, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]), /^no forecast: free memory is not shrinking$/],
  ])('%s: no forecast, and why', (_name, snapshots, reason) => {
    const { free } = analyzeTrend(snapshots);
    expect(free.forecast).toMatch(reason);
    expect(free.hoursToExhaustion).toBeNull();
  });

  it('forecasts a steady fall under traffic jitter, from the fitted rate', () => {
    const { free } = analyzeTrend(freeSeries(60_000, falling(100_000, (i) => (i % 3 === 2 ? 150_000 : 0))));
    expect(free.forecast).toMatch(/^forecast from 31 samples over 30 min: free memory fell in 20 of 30 intervals, largest step 8% of the fall, R² 0\.99$/);
    expect(free.confidence).toMatchObject({ samples: 31, windowMs: 1_800_000, falls: 20, intervals: 30, largestStepShare: 0.0833 });
    expect(free.bytesPerHour).toBeCloseTo(-6_000_000, -5);
    expect(free.hoursToExhaustion).toBeCloseTo(47_000_000 / 6_000_000, 1);
    expect(free.rSquared).toBeGreaterThan(0.99);
  });

  it('reports the fit and the reason in the text report and in the rule', () => {
    const burst = analyzeTrend(freeSeries(3250, [60_000_000, 60_000_000, 59_200_000, 59_200_000, 59_200_000]));
    const text = renderTrendReport(burst, 5);
    expect(text).toContain('free 57.2 MiB -> 56.5 MiB (-781 KiB, ');
    expect(text).toContain('/h): no forecast: 5 samples over 13 s, at least 5 samples over 10 min needed\n');
    expect(text).toContain('  confidence: 5 samples over 13 s, fell in 1 of 4 intervals, largest step 100% of the fall, R² 0.');
    expect(renderTrendReport(burst, 5, { style: 'raw' })).toContain('free 60000000 B -> 59200000 B (-800000 B, ');
    expect(text).toContain(`  forecast rule: ${forecastRule}\n`);
    expect(text).not.toContain('exhausted');
    expect(forecastRule).toBe(
      'free memory is forecast to run out only from at least 5 samples over at least 10 min, when it fell in at least 60% of the intervals, never rose between two samples by more than 20% of its net fall, no one interval holds more than 50% of that fall (a window holding one step is one event, not a trend), and follows a straight line (least-squares R² at least 0.8)',
    );
  });
});
