// summarize: per-site sums of used fragments, free totals and fragmentation, on hand-made fragments
// and on Kamailio's own dump of a real shm heap (whose header totals it must add up to).
import { describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../src/heap/heap-nouns.js';
import { siteKey, sizeClassOf, sortSites, summarize } from '../../src/snapshot/summarize.js';
import type { ResolvedFragment } from '../../src/heap/heap-nouns.js';
import { dump, expectedFragments, expectedSites } from '../walk/walk-fixture.js';

let nextIndex = 0;

/** A used htable fragment unless told otherwise. */
function frag(change: Partial<ResolvedFragment> = {}): ResolvedFragment {
  const index = nextIndex++;
  return { index, frag: 0x1000n + BigInt(index) * 0x100n, size: 64n, free: false, module: 'htable', file: 'htable: ht_api.c', function: 'ht_cell_new', line: 186, ...change };
}

/** A site record with defaults, for ordering tables. */
function site(change: Partial<SiteRecord>): SiteRecord {
  return { module: 'core', file: 'core: core/a.c', function: 'f', line: 1, count: 1, bytes: 8, ...change };
}

describe('summarize', () => {
  it('sums used fragments per site and leaves free ones out of the sites', () => {
    const summary = summarize([
      frag({ size: 64n }),
      frag({ size: 128n }),
      frag({ size: 4096n, free: true, function: 'fragm. from qm_malloc' }),
      frag({ size: 32n, module: 'tm', file: 'tm: h_table.c', function: 'build_cell', line: 334 }),
      frag({ size: 8n }),
    ]);
    expect(summary.sites).toEqual([
      { module: 'htable', file: 'htable: ht_api.c', function: 'ht_cell_new', line: 186, count: 3, bytes: 200 },
      { module: 'tm', file: 'tm: h_table.c', function: 'build_cell', line: 334, count: 1, bytes: 32 },
    ]);
    expect(summary.used).toEqual({ count: 4, bytes: 232 });
    expect(summary.free).toEqual({ count: 1, bytes: 4096, largest: 4096 });
  });

  it.each<[string, Partial<ResolvedFragment>]>([
    ['line', { line: 187 }],
    ['function', { function: 'ht_cell_pkg_copy' }],
    ['file', { file: 'htable: ht_var.c' }],
    ['module', { module: 'htable2' }],
  ])('tells sites apart by %s', (_what, change) => {
    expect(summarize([frag(), frag(change)]).sites).toHaveLength(2);
  });

  it.each<[string, bigint[], number]>([
    ['nothing free', [], 0],
    ['one free fragment', [4096n], 0],
    ['two equal free fragments', [100n, 100n], 0.5],
    ['one large and three crumbs', [700n, 100n, 100n, 100n], 0.3],
    ['a free fragment of size 0', [0n, 800n], 0],
  ])('fragmentation with %s', (_what, freeSizes, fragmentation) => {
    const summary = summarize([frag(), ...freeSizes.map((size) => frag({ size, free: true }))]);
    expect(summary.fragmentation).toBeCloseTo(fragmentation, 12);
    expect(summary.free.count).toBe(freeSizes.length);
    expect(summary.free.bytes).toBe(Number(freeSizes.reduce((a, b) => a + b, 0n)));
    expect(summary.free.largest).toBe(Number(freeSizes.reduce((a, b) => (b > a ? b : a), 0n)));
  });

  it('summarizes nothing', () => {
    expect(summarize([])).toEqual({ sites: [], used: { count: 0, bytes: 0 }, free: { count: 0, bytes: 0, largest: 0 }, fragmentation: 0 });
  });

  it('does not depend on the order of the fragments', () => {
    const fragments = expectedFragments();
    const reversed = summarize([...fragments].reverse());
    expect(reversed).toEqual(summarize(fragments));
  });
});

describe('summarize on Kamailio\'s dump of a real shm heap', () => {
  const summary = summarize(expectedFragments());

  it('adds up to the heap header: used and free bytes', () => {
    expect(summary.used.bytes).toBe(dump.heap.used);
    expect(summary.free.bytes).toBe(dump.heap.free);
    expect(summary.used.count + summary.free.count).toBe(dump.fragments.length);
  });

  it('has the sites qm_sums would print, largest first', () => {
    expect(summary.sites).toEqual(expectedSites());
    expect(summary.sites[0]).toMatchObject({ module: 'tm', file: 'tm: h_table.c', function: 'init_hash_table', count: 1, bytes: 2097152 });
    expect(summary.sites.find((s) => s.function === 'ht_cell_new')).toMatchObject({ module: 'htable', file: 'htable: ht_api.c' });
    const bytes = summary.sites.map((s) => s.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
  });

  it('computes fragmentation from the largest free fragment', () => {
    expect(summary.free.largest).toBe(Math.max(...dump.fragments.filter((f) => f.free).map((f) => f.size)));
    expect(summary.fragmentation).toBeCloseTo(1 - summary.free.largest / summary.free.bytes, 12);
    expect(summary.fragmentation).toBeGreaterThan(0);
    expect(summary.fragmentation).toBeLessThan(0.001);
  });
});

describe('sortSites', () => {
  it.each<[string, SiteRecord, SiteRecord]>([
    ['more bytes first', site({ bytes: 16 }), site({ bytes: 8, count: 5 })],
    ['then more fragments', site({ count: 2 }), site({ count: 1 })],
    ['then by file', site({ file: 'core: core/a.c' }), site({ file: 'core: core/b.c' })],
    ['then by function', site({ function: 'alpha' }), site({ function: 'beta' })],
    ['then by line', site({ line: 9 }), site({ line: 10 })],
    ['then by module', site({ module: 'core' }), site({ module: 'tm' })],
  ])('%s', (_what, first, second) => {
    expect(sortSites([second, first])).toEqual([first, second]);
    expect(sortSites([first, second])).toEqual([first, second]);
  });
});

describe('siteKey', () => {
  it('keeps fields apart that would run together as text', () => {
    const a = { module: 'ab', file: 'c', function: 'f', line: 1 };
    const b = { module: 'a', file: 'bc', function: 'f', line: 1 };
    expect(siteKey(a)).not.toBe(siteKey(b));
    expect(siteKey(a)).toBe(siteKey({ ...a }));
  });
});

describe('summarize without debug fields', () => {
  it.each([
    [1, '1-16'],
    [16, '1-16'],
    [17, '17-32'],
    [120, '65-128'],
    [4096, '2049-4096'],
    [4097, '4097-8192'],
  ])('puts size %i in class %s', (size, expected) => {
    expect(sizeClassOf(size)).toBe(expected);
  });

  it('groups used fragments by size class and invents no site', () => {
    const frag = (index: number, size: number, free = false) => ({ index, frag: BigInt(index * 1000), size: BigInt(size), free, module: '', file: '', function: '', line: 0 });
    const summary = summarize([frag(0, 24), frag(1, 32), frag(2, 120), frag(3, 4000, true), frag(4, 100)], false);
    expect(summary.sites).toEqual([
      { module: '', file: '', function: '', line: 0, sizeClass: '65-128', count: 2, bytes: 220 },
      { module: '', file: '', function: '', line: 0, sizeClass: '17-32', count: 2, bytes: 56 },
    ]);
    expect(summary.free).toEqual({ count: 1, bytes: 4000, largest: 4000 });
  });
});
