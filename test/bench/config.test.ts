// The benchmark's knobs: heap sizes, fills and the environment overrides.
import { describe, expect, it } from 'vitest';
import { benchConfig, cellsFor, htableBits, sizeList } from '../../bench/config.js';

describe('sizeList (KAMHEAP_BENCH_SIZES)', () => {
  it.each([
    [undefined, [64, 512, 2048]],
    ['', [64, 512, 2048]],
    ['2048,64', [64, 2048]],
    ['512 512, 64', [64, 512]],
  ])('%j is %j', (text, sizes) => {
    expect(sizeList(text)).toEqual(sizes);
  });

  it.each([['0'], ['64,abc'], ['8'], ['100000'], [',']])('refuses %j', (text) => {
    expect(() => sizeList(text)).toThrow(/KAMHEAP_BENCH_SIZES/);
  });
});

describe('cellsFor', () => {
  it.each([
    [64, 100_000, 100_000],
    [32, 100_000, 50_000],
    [512, 100_000, 984_000],
    [2048, 100_000, 4_484_000],
    [1024, 100_000, 2_236_800],
  ])('%i MB with %i cells at 64 MB: %i cells', (sizeMb, cells, expected) => {
    expect(cellsFor(sizeMb, cells)).toBe(expected);
  });
});

describe('htableBits', () => {
  it.each([
    [100_000, 14],
    [984_000, 16],
    [4_484_000, 19],
    [100_000_000, 20],
    [0, 14],
  ])('%i cells: 2^%i slots', (cells, bits) => {
    expect(htableBits(cells)).toBe(bits);
  });
});

describe('benchConfig', () => {
  it('has issue 10 defaults', () => {
    const config = benchConfig({});
    expect(config.shmSizes).toEqual([64, 512, 2048]);
    expect(config.pkg).toBe(true);
    expect(config.pkgMb).toBe(256);
    expect(config.seedSample).toBe(20_000);
    expect(config.bulkRepeats).toBe(3);
    expect(config.allocators).toEqual(['qm', 'fm', 'tlsf']);
  });

  it('reads the overrides', () => {
    const config = benchConfig({ KAMHEAP_BENCH_SIZES: '64', KAMHEAP_BENCH_PKG: '0', KAMHEAP_BENCH_SEED_SAMPLE: '5000', KAMHEAP_BENCH_REPEATS: '1' });
    expect(config.shmSizes).toEqual([64]);
    expect(config.pkg).toBe(false);
    expect(config.seedSample).toBe(5_000);
    expect(config.bulkRepeats).toBe(1);
  });

  it.each([
    ['KAMHEAP_BENCH_PKG', 'yes'],
    ['KAMHEAP_BENCH_SEED_SAMPLE', '-1'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => benchConfig({ [name]: value })).toThrow(name);
  });
});
