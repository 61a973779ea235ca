// The leak-suspect rule on series that grow steadily, come and go with traffic, or stay flat.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
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

  it('projects free memory running out', () => {
    const trend = analyzeTrend(series({}, [10_000, 9_000, 8_000]));
    expect(trend.free.delta).toBe(-2000);
    expect(trend.free.bytesPerHour).toBeCloseTo(-60_000);
    expect(trend.free.hoursToExhaustion).toBeCloseTo(8000 / 60_000);
    expect(analyzeTrend(series({}, [1, 2, 3])).free.hoursToExhaustion).toBeNull();
  });
});
