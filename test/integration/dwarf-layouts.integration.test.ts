// The DWARF recipes against the testbed's source builds of the same Kamailio 5.6.3: with the debug
// fields (`dwarf`) they give exactly the built-in profiles, without them (`nodebug`, MEMDBG=0) the
// smaller structs; and live instances of those builds are walked with the DWARF layouts.
import { afterEach, describe, expect, it } from 'vitest';
import { miQuote } from '../../src/gdb/commands.js';
import { GdbSession } from '../../src/gdb/gdb-session.js';
import type { AllocatorName, HeapLayout } from '../../src/heap/layout.js';
import { profileFor } from '../../src/heap/layout-profiles.js';
import { readDwarfLayouts, type DwarfLayouts } from '../../src/locate/choose-layout.js';
import { kamailioBuild, shmSummary, startKamailio, stopAllKamailio, fillShm, type Allocator, type SourceFlavor } from '../../testbed/index.js';
import { kamcmdNumbers } from './allocator-oracle.js';
import { sameFragments, snapshotSiteTotals, sumsSiteTotals, walk, walkStable } from './heap-compare.js';

const allocators: ReadonlyArray<[Allocator, AllocatorName]> = [
  ['qm', 'q_malloc'],
  ['fm', 'f_malloc'],
  ['tlsf', 'tlsf_malloc'],
];

/** The layouts kamheap reads from a build's executable, before any process is involved. */
async function layoutsOf(flavor: SourceFlavor): Promise<DwarfLayouts> {
  const { binary } = await kamailioBuild(flavor);
  const gdb = await GdbSession.start();
  try {
    await gdb.send(`-file-exec-and-symbols ${miQuote(binary)}`, { timeoutMs: 60_000 });
    return await readDwarfLayouts(gdb, 30_000);
  } finally {
    await gdb.close();
  }
}

/** A profile as the DWARF of the same build would name it. */
function asDwarf(profile: HeapLayout | undefined): HeapLayout | undefined {
  return profile && { ...profile, id: profile.id.replace('/x86_64', '/dwarf'), source: 'dwarf' };
}

afterEach(async () => {
  await stopAllKamailio();
});

describe('DWARF recipes', () => {
  it('give the built-in profiles on the build with debug fields', async () => {
    const layouts = await layoutsOf('dwarf');
    for (const [, name] of allocators) expect(layouts[name]).toEqual(asDwarf(profileFor(name)));
  }, 900_000);

  it('give the smaller structs of a MEMDBG=0 build', async () => {
    const layouts = await layoutsOf('nodebug');
    expect(layouts.q_malloc?.fragment).toMatchObject({ headerSize: 16, userOffset: 16, overhead: 32, trailer: { offset: 16, size: 16 }, checks: [] });
    expect(layouts.f_malloc?.fragment).toMatchObject({ headerSize: 32, userOffset: 32, overhead: 32, free: { offset: 24, width: 4 }, checks: [{ name: 'check', offset: 28, width: 4 }] });
    expect(layouts.tlsf_malloc?.fragment).toMatchObject({ headerSize: 16, userOffset: 16, overhead: 8, size: { offset: 8, flagBits: 3 }, free: { offset: 8, width: 8, mask: 1 } });
    // control_t without alloc_info in block_null: 32 bytes smaller; the sentinel right at control + total_size
    expect(layouts.tlsf_malloc?.block).toMatchObject({ firstFrag: { fromBlock: true, add: 8408 - 8 }, walkEnd: { fromBlock: true, wordAt: 32, add: 0 } });
    for (const [, name] of allocators) {
      expect(layouts[name]?.id).toBe(`${name}/nodbg/dwarf`);
      expect(layouts[name]?.fragment.debug).toBeUndefined();
    }
  }, 900_000);
});

describe.each(allocators)('-x %s on the source builds', (allocator, name) => {
  it('with debug fields: walked with the DWARF layout, sites as corex.shm_summary', async () => {
    const kamailio = await startKamailio({ build: 'dwarf', shmAllocator: allocator, children: 1 });
    await fillShm(kamailio, { cells: 500 });
    for (let attempt = 0; attempt < 3; attempt++) {
      const snapshot = await walkStable(kamailio.pid, 'shm');
      const sums = await shmSummary(kamailio);
      if (!sameFragments(snapshot, await walk(kamailio.pid, 'shm'))) continue;
      expect(snapshot.heap).toMatchObject({ allocator: name, layout: `${name}/dbg/dwarf`, layoutSource: 'dwarf' });
      expect(snapshot.walk.complete).toBe(true);
      expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(sums));
      return;
    }
    throw new Error('shm kept changing');
  }, 900_000);

  it('without debug fields: complete walks, totals as core.shmmem, both walkers alike', async () => {
    const kamailio = await startKamailio({ build: 'nodebug', shmAllocator: allocator, children: 1 });
    await fillShm(kamailio, { cells: 500 });
    const snapshot = await walkStable(kamailio.pid, 'shm');
    const shmmem = kamcmdNumbers(await kamailio.rpc('core.shmmem'));
    const script = await walk(kamailio.pid, 'shm', 'script');
    expect(snapshot.heap).toMatchObject({ allocator: name, layout: `${name}/nodbg/dwarf`, debugFields: false });
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.totals.used.bytes).toBe(snapshot.heap.used);
    expect({ total: snapshot.heap.size, used: snapshot.heap.used }).toEqual({ total: shmmem.total, used: shmmem.used });
    if (allocator !== 'qm') expect(snapshot.totals.free.count).toBe(shmmem.fragments);
    expect(script.fragments).toEqual(snapshot.fragments);
    // No sites are invented: used fragments are grouped by size class, with empty site fields.
    expect(snapshot.sites.length).toBeGreaterThan(1);
    for (const site of snapshot.sites) expect(site).toMatchObject({ module: '', file: '', function: '', line: 0, sizeClass: expect.stringMatching(/^\d+-\d+$/) });
    expect(snapshot.sites.reduce((n, s) => n + s.count, 0)).toBe(snapshot.totals.used.count);
    expect(script.sites).toEqual(snapshot.sites);
  }, 900_000);
});
