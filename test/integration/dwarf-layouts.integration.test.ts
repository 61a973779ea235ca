// The DWARF recipes against the testbed's source builds of the same Kamailio 5.6.3: with the debug
// fields (`dwarf`) they give exactly the built-in profiles, without them (`nodebug`, MEMDBG=0) the
// smaller structs; and live instances of those builds are walked with the DWARF layouts.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveHeapRoot } from '../../src/locate/heap-roots.js';
import { symbolAddress } from '../../src/locate/static-symbols.js';
import { miQuote } from '../../src/gdb/commands.js';
import { GdbSession } from '../../src/gdb/gdb-session.js';
import { MiDebugger } from '../../src/debugger/mi-debugger.js';
import type { AllocatorName, HeapLayout } from '../../src/heap/layout.js';
import { profileFor } from '../../src/heap/layout-profiles.js';
import { readRelease } from '../../src/locate/kamailio-release.js';
import { readDwarfLayouts, type DwarfLayouts } from '../../src/locate/choose-layout.js';
import { kamailioBuild, shmSummary, startKamailio, stopAllKamailio, fillShm, type Allocator, type SourceFlavor } from '../../testbed/index.js';
import { kamcmdNumbers } from './allocator-oracle.js';
import { runCli } from '../helpers/run-cli.js';
import { sameFragments, snapshotSiteTotals, sumsSiteTotals, walk, walkStable } from './heap-compare.js';

const allocators: ReadonlyArray<[Allocator, AllocatorName]> = [
  ['qm', 'q_malloc'],
  ['fm', 'f_malloc'],
  ['tlsf', 'tlsf_malloc'],
];

/** The layouts kamheap reads from a build's executable, before any process is involved. */
async function layoutsOf(flavor: SourceFlavor): Promise<DwarfLayouts> {
  const { binary } = await kamailioBuild(flavor);
  const mi = await GdbSession.start();
  const gdb = new MiDebugger(mi);
  try {
    await mi.send(`-file-exec-and-symbols ${miQuote(binary)}`, { timeoutMs: 60_000 });
    return await readDwarfLayouts(gdb, await readRelease(gdb, 30_000), 30_000);
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
    for (const [, name] of allocators) {
      const { types, ...numbers } = layouts[name] ?? {};
      expect(numbers).toEqual(asDwarf(profileFor(name, '5.0', true)));
      expect(types?.fragment).toBeDefined();
    }
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
      // ...which are the built-in profiles for stripped builds without debug fields.
      const { types: _types, ...numbers } = layouts[name] ?? {};
      expect(numbers).toEqual({ ...asDwarf(profileFor(name, '5.0', false)), id: `${name}/nodbg/dwarf` });
    }
  }, 900_000);
});

describe('Kamailio 4.x structs (test/fixtures/kamailio-4x/mem-structs.c)', () => {
  it('give layouts without a module field, f_malloc telling free by prv_free, and the heaps behind mem_block and shm_block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-4x-'));
    const object = join(dir, 'mem-structs.o');
    await execa('gcc', ['-g', '-c', '-o', object, fileURLToPath(new URL('../fixtures/kamailio-4x/mem-structs.c', import.meta.url))]);
    const mi = await GdbSession.start();
  const gdb = new MiDebugger(mi);
    try {
      await mi.send(`-file-exec-and-symbols ${miQuote(object)}`, { timeoutMs: 60_000 });
      // No version string in these structs: the era is unknown.
      const layouts = await readDwarfLayouts(gdb, { version: undefined, numbers: undefined, full: undefined, flags: [] }, 30_000);
      const qm = profileFor('q_malloc', '5.0', true);
      const { types: qmTypes, ...qmNumbers } = layouts.q_malloc ?? {};
      expect(qmTypes?.fragmentMembers).toEqual({ size: 'size', free: 'u.is_free', file: 'file', func: 'func', line: 'line' });
      expect(qmNumbers).toEqual({
        ...qm,
        id: 'q_malloc/dbg/dwarf',
        source: 'dwarf',
        fragment: {
          ...qm?.fragment,
          headerSize: 48,
          userOffset: 48,
          overhead: 96,
          trailer: { offset: 48, size: 48 },
          debug: { file: 16, func: 24, line: { offset: 32, width: 8 }, mnameInFree: true },
          checks: [
            { name: 'check', offset: 40, width: 8, inTrailer: false, value: 0xf0f0f0f0n },
            { name: 'check1', offset: 0, width: 8, inTrailer: true, value: 0xc0c0c0c0n },
            { name: 'check2', offset: 8, width: 8, inTrailer: true, value: 0xabcdefedn },
          ],
        },
      });
      expect(layouts.f_malloc?.block).toEqual(profileFor('f_malloc', '5.0', true)?.block);
      expect(layouts.f_malloc?.types?.fragmentMembers.free).toBe('prv_free');
      expect(layouts.f_malloc?.fragment).toEqual({
        headerSize: 56,
        userOffset: 56,
        overhead: 56,
        size: { offset: 0, flagBits: 0 },
        free: { offset: 16, width: 8 },
        debug: { file: 24, func: 32, line: { offset: 40, width: 8 }, mnameInFree: true },
        checks: [{ name: 'check', offset: 48, width: 8, inTrailer: false, value: 0xf0f0f0f0n }],
        roundTo: 8,
      });
      expect(layouts.tlsf_malloc).toBeUndefined();
      // No memory API: the heaps are found through the 4.x block pointers, the allocator by their types.
      expect(await resolveHeapRoot(gdb, 1, 'pkg', 30_000)).toMatchObject({ entry: { symbol: 'mem_block', shape: 'pointer' }, allocator: 'q_malloc' });
      expect(await resolveHeapRoot(gdb, 1, 'shm', 30_000)).toMatchObject({ entry: { symbol: 'shm_block', shape: 'pointer' }, allocator: 'f_malloc' });
      // What needs the 5.x memory API and process table says so, instead of "not Kamailio".
      await expect(symbolAddress(gdb, 1, '_pkg_root', 30_000)).rejects.toMatchObject({ kind: 'heap-not-found', message: expect.stringMatching(/^PID 1 is an older Kamailio \(mem_block, no _pkg_root\)/) });
      await expect(symbolAddress(gdb, 1, 'pt', 30_000)).rejects.toMatchObject({ kind: 'not-kamailio' });
    } finally {
      await gdb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
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

  it('through the allocator\'s own block pointer (--heap-symbol): the same heaps, both walkers', async () => {
    const kamailio = await startKamailio({ build: 'dwarf', shmAllocator: allocator, children: 1 });
    await fillShm(kamailio, { cells: 200 });
    for (const kind of ['shm', 'pkg'] as const) {
      const symbol = `_${allocator}_${kind}_block`;
      let compared = false;
      for (let attempt = 0; attempt < 3 && !compared; attempt++) {
        const viaApi = await walkStable(kamailio.pid, kind);
        const bulk = await walk(kamailio.pid, kind, 'bulk', { from: 0, to: undefined }, symbol);
        const script = await walk(kamailio.pid, kind, 'script', { from: 0, to: undefined }, symbol);
        if (!sameFragments(viaApi, bulk) || !sameFragments(viaApi, script)) continue;
        compared = true;
        expect(viaApi.heap.rootSymbol).toBe(`_${kind}_root`);
        // The allocator comes from the pointer's DWARF type, the manager name from nowhere else.
        for (const s of [bulk, script]) {
          expect(s.heap).toEqual({ ...viaApi.heap, rootSymbol: symbol });
          expect(s.walk.complete).toBe(true);
          expect(s.sites).toEqual(viaApi.sites);
        }
        expect(script.fragments).toEqual(bulk.fragments);
      }
      expect(compared, `${kind} kept changing`).toBe(true);
    }
    const cli = await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--heap-symbol', `_${allocator}_shm_block`, '--top', '1']);
    expect(cli.exitCode).toBe(0);
    // The heading wraps at 80 columns between its parts.
    expect(cli.stdout.split('\n').slice(0, 2).join(' ')).toMatch(new RegExp(`^shm heap of PID ${kamailio.pid}: ${name}, layout ${name}/dbg/dwarf \\(dwarf\\), through _${allocator}_shm_block(\\s|$)`));
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
