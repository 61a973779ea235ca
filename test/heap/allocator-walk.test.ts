// walkFragments with the f_malloc and TLSF profiles over real header captures of pkg heaps
// (test/fixtures/heap/capture.md); the expectations are Kamailio's own fm_status/fm_sums and
// tlsf_status/tlsf_sums lines for the same heap at the same moment, not kamheap's output.
import { describe, expect, it } from 'vitest';
import type { WalkRange } from '../../src/heap/fragment.js';
import { blockSpan, resolveAddress, userAddress } from '../../src/heap/layout.js';
import { walkFragments, type WalkBounds } from '../../src/heap/walk-fragments.js';
import { summarize } from '../../src/snapshot/summarize.js';
import { HEADER_FIXTURES, loadHeaderFixture, resolve, segmentView, siteTotals, type HeaderFixture } from './header-fixture.js';

const whole: WalkRange = { from: 0, to: undefined };
const fixtures = HEADER_FIXTURES.map((name) => [name, loadHeaderFixture(name)] as const);

/** The walk bounds of the fixture, as the capture stepped them. */
function bounds(f: HeaderFixture): WalkBounds {
  return { firstFrag: f.firstFrag, walkEnd: f.walkEnd };
}

/** The whole heap walked and resolved. */
async function walkAll(f: HeaderFixture) {
  const result = await walkFragments(segmentView(f.segments), f.layout.fragment, bounds(f), whole);
  return { result, fragments: resolve(f, result.fragments) };
}

describe.each(fixtures)('%s: the whole heap', (_name, f) => {
  it('reads the walk bounds and totals off the block header as Kamailio reports them', () => {
    const header = f.segments[0];
    if (!header) throw new Error('no block header segment');
    expect(header.address).toBe(Number(f.block));
    expect(header.bytes.length).toBeGreaterThanOrEqual(blockSpan(f.layout.block));
    const word = (offset: number): number => Number(header.bytes.readBigUInt64LE(offset));
    expect(resolveAddress(f.layout.block.firstFrag, f.block, header.bytes)).toBe(f.firstFrag);
    expect(resolveAddress(f.layout.block.walkEnd, f.block, header.bytes)).toBe(f.walkEnd);
    const { size, used, realUsed, maxRealUsed, free } = f.dump;
    expect({ size: word(f.layout.block.size), used: word(f.layout.block.used), realUsed: word(f.layout.block.realUsed), maxRealUsed: word(f.layout.block.maxRealUsed) }).toEqual({ size, used, realUsed, maxRealUsed });
    expect(size - realUsed).toBe(free);
  });

  it('walks from the first fragment onto the sentinel, complete', async () => {
    const { result } = await walkAll(f);
    expect(result.findings).toEqual([]);
    expect(result.complete).toBe(true);
    // every segment but the block header and the sentinel is one fragment
    expect(result.stepped).toBe(f.segments.length - 2);
    expect(f.segments.at(-1)?.address).toBe(Number(f.walkEnd));
  });

  it('sums the used fragments per site exactly as the *_sums lines do', async () => {
    const { fragments } = await walkAll(f);
    const { sites, used } = summarize(fragments);
    expect(siteTotals(sites.map((s) => ({ ...s, func: s.function })))).toEqual(siteTotals(f.dump.sums));
    expect(used.bytes).toBe(f.dump.used);
    expect(used.count).toBe(f.dump.sums.reduce((n, s) => n + s.count, 0));
  });

  it('counts the free fragments as the status dump does', async () => {
    const { fragments } = await walkAll(f);
    const { free } = summarize(fragments);
    expect(free.count).toBe(f.dump.freeFragments);
    if (f.dump.freeBytes !== undefined) expect(free.bytes).toBe(f.dump.freeBytes);
  });

  it.each([
    [0, 1],
    [100, 300],
    [500, 10_000],
  ])('from %i to %i is that slice of the full walk', async (from, to) => {
    const full = await walkFragments(segmentView(f.segments), f.layout.fragment, bounds(f), whole);
    const part = await walkFragments(segmentView(f.segments), f.layout.fragment, bounds(f), { from, to });
    expect(part.fragments).toEqual(full.fragments.slice(from, to));
    expect(part.complete).toBe(true);
  });
});

describe('what each allocator keeps in its headers', () => {
  it('f_malloc: the pointer handed out follows the 72-byte header; no fragment has a stale site', async () => {
    const f = loadHeaderFixture('fm-pkg-timer');
    const { fragments } = await walkAll(f);
    expect(userAddress(f.layout.fragment, f.firstFrag)).toBe(f.firstFrag + 72n);
    expect(fragments.every((x) => x.file !== '' && x.function !== '' && x.module !== '')).toBe(true);
    // split-off free fragments are named after the split, as fm_split_frag stores them
    expect(fragments.filter((x) => x.free).map((x) => x.function)).toContain('frag. from fm_split_frag');
  });

  it('TLSF: sizes are masked, free blocks keep file/func/line but their mname is not read', async () => {
    const f = loadHeaderFixture('tlsf-pkg-timer');
    const { result, fragments } = await walkAll(f);
    expect(result.fragments.every((x) => x.size % 8 === 0)).toBe(true);
    const free = fragments.filter((x) => x.free);
    expect(free.length).toBe(f.dump.freeFragments);
    expect(free.every((x) => x.module === '' && x.file !== '' && x.line > 0)).toBe(true);
    // the raw bytes: some free blocks' mname words are not pointers at all (left-over user data)
    const stale = [...f.strings].filter(([, text]) => text === undefined).map(([pointer]) => pointer);
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((p) => p < 0x1000)).toBe(true);
    expect(fragments.filter((x) => !x.free).every((x) => x.module !== '')).toBe(true);
  });
});
