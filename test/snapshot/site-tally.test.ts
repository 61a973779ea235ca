// The tally a bulk walk keeps as it steps (by pointer, text at the end) must give exactly what
// summarize gives on the same fragments with their text: on the real f_malloc and TLSF captures
// (whose sites Kamailio's own dump sums), and without debug fields (size classes).
import { describe, expect, it } from 'vitest';
import type { RawFragment } from '../../src/heap/fragment.js';
import { walkFragments } from '../../src/heap/walk-fragments.js';
import { SiteTally, siteText } from '../../src/snapshot/site-tally.js';
import { summarize } from '../../src/snapshot/summarize.js';
import { HEADER_FIXTURES, loadHeaderFixture, resolve, segmentView, siteTotals } from '../heap/header-fixture.js';

describe.each(HEADER_FIXTURES)('SiteTally over the %s capture', (name) => {
  const f = loadHeaderFixture(name);
  const text = (pointer: number): string => f.strings.get(pointer) ?? '';

  it('sums as summarize does on the resolved fragments, and as Kamailio dumped them', async () => {
    const walk = await walkFragments(segmentView(f.segments), f.layout.fragment, { firstFrag: f.firstFrag, walkEnd: f.walkEnd }, { from: 0, to: undefined });
    const tally = new SiteTally(true);
    for (const fragment of walk.fragments) tally.add(fragment);
    const pointers = tally.pointers();
    expect(pointers.has(0)).toBe(false);
    expect([...pointers].every((p) => f.strings.has(p))).toBe(true);
    const summary = tally.summary(text);
    expect(summary).toEqual(summarize(resolve(f, walk.fragments)));
    expect(tally.walked).toBe(walk.fragments.length);
    const sites = summary.sites.map((s) => ({ ...s, func: s.function }));
    expect(siteTotals(sites)).toEqual(siteTotals(f.dump.sums));
    expect(() => tally.summary(text)).toThrow(/ended/);
  });
});

describe('SiteTally without debug fields', () => {
  it('groups used fragments by size class, as summarize does', () => {
    const frag = (index: number, size: number, free = false): RawFragment => ({ index, frag: 0x1000 + index * 0x100, size, free, filePtr: 0, funcPtr: 0, mnamePtr: 0, line: 0 });
    const fragments = [frag(0, 24), frag(1, 32), frag(2, 120), frag(3, 4000, true), frag(4, 100), frag(5, 24)];
    const tally = new SiteTally(false);
    fragments.forEach(tally.add);
    const resolved = fragments.map((x) => ({ index: x.index, frag: BigInt(x.frag), size: BigInt(x.size), free: x.free, ...siteText(x, () => '') }));
    expect(tally.summary(() => '')).toEqual(summarize(resolved, false));
  });
});
