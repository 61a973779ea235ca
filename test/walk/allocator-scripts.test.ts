// parseScriptOutput on the walk script's real output for f_malloc and TLSF pkg heaps, run by hand
// with gdb at the moment the header captures were taken (test/fixtures/heap/capture.md): the
// parsed fragments equal the bulk walk of the captured bytes, and the sites equal Kamailio's sums.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { walkFragments } from '../../src/heap/walk-fragments.js';
import { snapshotWithFragments } from '../helpers/snapshot-fragments.js';
import { summarize } from '../../src/snapshot/summarize.js';
import { parseScriptOutput } from '../../src/walk/parse-script-output.js';
import { HEADER_FIXTURES, loadHeaderFixture, resolve, segmentView, siteTotals, type HeaderFixtureName } from '../heap/header-fixture.js';

/** A walk script output captured with the header fixture of the same name. */
function walkText(name: HeaderFixtureName, which: 'full' | 'from100-to300'): string {
  return readFileSync(new URL(`../fixtures/walk/${name}-walk-${which}.out`, import.meta.url), 'utf8');
}

describe.each(HEADER_FIXTURES)('%s walk script output', (name) => {
  const f = loadHeaderFixture(name);
  const bulk = async (from: number, to: number | undefined) => {
    const walk = await walkFragments(segmentView(f.segments), f.layout.fragment, { firstFrag: f.firstFrag, walkEnd: f.walkEnd }, { from, to });
    return resolve(f, walk.fragments);
  };

  it('lists the fragments a walk of the captured bytes yields, and sums them as Kamailio does', async () => {
    const output = parseScriptOutput(walkText(name, 'full'), '/usr/sbin/kamailio');
    expect(output).toMatchObject({ walker: 'script', pid: f.pid, complete: true, findings: [] });
    expect(output.resolved).toEqual(await bulk(0, undefined));
    const sites = summarize(output.resolved).sites.map((s) => ({ ...s, func: s.function }));
    expect(siteTotals(sites)).toEqual(siteTotals(f.dump.sums));
  });

  it('lists exactly the requested range', async () => {
    const output = parseScriptOutput(walkText(name, 'from100-to300'));
    expect(output).toMatchObject({ from: 100, to: 300, complete: true, findings: [] });
    expect(output.resolved).toEqual(await bulk(100, 300));
  });

  it('reads the heap header as the status dump reports it, and the layout', () => {
    const { header, layout } = parseScriptOutput(walkText(name, 'full'));
    const d = f.dump;
    expect(header).toEqual({
      kind: 'pkg',
      block: f.block,
      size: BigInt(d.size),
      used: BigInt(d.used),
      realUsed: BigInt(d.realUsed),
      maxRealUsed: BigInt(d.maxRealUsed),
      firstFrag: f.firstFrag,
      walkEnd: f.walkEnd,
    });
    expect(layout).toEqual({ id: f.layout.id, allocator: f.layout.allocator, source: 'profile', fragment: { userOffset: f.layout.fragment.userOffset, debug: true } });
  });

  it('gives each fragment the address the allocator hands out', async () => {
    const output = parseScriptOutput(walkText(name, 'from100-to300'));
    const snapshot = await snapshotWithFragments(output);
    const first = snapshot.fragments?.[0];
    expect(first && BigInt(first.address) - BigInt(first.frag)).toBe(BigInt(f.layout.fragment.userOffset));
    expect(snapshot.heap.free).toBe(f.dump.free);
  });
});
