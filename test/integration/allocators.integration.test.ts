// f_malloc and TLSF heaps of Debian's stripped kamailio (built-in profiles), pkg and shm, walked by
// kamheap and compared with Kamailio's own account of the same settled heap: corex.shm_summary and
// core.shmmem for shm, the process's own fm_sums/tlsf_sums and status header for pkg. Then a mixed
// run (-x tlsf -X qm) where each heap is read with its own layout.
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HeapKind } from '../../src/heap/heap-nouns.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { dumpPkg, fillShm, runSipp, shmSummary, startKamailio, type Allocator, type KamailioInstance } from '../../testbed/index.js';
import { siteTotals } from '../heap/kamailio-dump.js';
import { dumpPkgSums, kamcmdNumbers } from './allocator-oracle.js';
import { dumpFragmentLines, loadedInstance, pidOf, sameFragments, settled, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, totals, walk, walkStable } from './heap-compare.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

const names: Record<Allocator, string> = { qm: 'q_malloc', fm: 'f_malloc', tlsf: 'tlsf_malloc' };

describe.each<Allocator>(['fm', 'tlsf'])('%s for shm and pkg, on Debian\'s kamailio', (allocator) => {
  let kamailio: KamailioInstance;

  beforeAll(async () => {
    kamailio = await loadedInstance(allocator, allocator);
  });

  afterEach(async () => {
    await expectInstanceHealthy(kamailio);
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  it('shm: every site sums as corex.shm_summary does, across several modules', async () => {
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', () => shmSummary(kamailio));
    expect(snapshot.heap.allocator).toBe(names[allocator]);
    expect(snapshot.heap.layoutSource).toBe('profile');
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.fragments?.length).toBeGreaterThan(3000);
    expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(oracle));
    const modules = new Set(snapshot.sites.map((s) => s.module));
    for (const m of ['core', 'htable', 'usrloc', 'tm']) expect(modules).toContain(m);
    expect(snapshot.totals.used.bytes).toBe(snapshot.heap.used);
  });

  it('shm: the totals are core.shmmem\'s', async () => {
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', async () => kamcmdNumbers(await kamailio.rpc('core.shmmem')));
    expect(totals(snapshot)).toEqual({ total: oracle.total, used: oracle.used, real_used: oracle.real_used, max_used: oracle.max_used, free: oracle.free });
  });

  it.each([/^udp receiver child=0/, /^timer$/])('pkg of the %s process: sites, totals and free fragments as its own dump says', async (role) => {
    const pid = await pidOf(kamailio, role);
    const { snapshot, oracle } = await settled(pid, 'pkg', () => dumpPkgSums(kamailio, pid));
    expect(snapshot.heap.allocator).toBe(names[allocator]);
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.fragments?.length).toBeGreaterThan(100);
    expect(snapshotSiteTotals(snapshot)).toEqual(siteTotals(oracle.sums));
    const { size, used, realUsed, maxRealUsed, free } = oracle;
    expect(snapshot.heap).toMatchObject({ size, used, realUsed, maxRealUsed, free });
    expect(snapshot.totals.used.bytes).toBe(used);
    expect(snapshot.totals.free.count).toBe(oracle.freeFragments);
    if (oracle.freeBytes !== undefined) expect(snapshot.totals.free.bytes).toBe(oracle.freeBytes);
    expect(kamcmdNumbers(await kamailio.rpc('pkg.stats', 'pid', String(pid))).total_size).toBe(size);
  });

  it.each<[HeapKind, RegExp]>([
    ['shm', /main process/],
    ['pkg', /^timer$/],
  ])('%s: the script walker gives what the bulk walker gives', async (kind, role) => {
    const pid = await pidOf(kamailio, role);
    const bulk = await walkStable(pid, kind, 'bulk');
    const script = await walk(pid, kind, 'script');
    expect(sameFragments(bulk, await walk(pid, kind, 'bulk'))).toBe(true);
    expect(script.walk).toMatchObject({ walker: 'script', complete: true });
    expect(script.fragments).toEqual(bulk.fragments);
    expect(script.sites).toEqual(bulk.sites);
    expect(script.totals).toEqual(bulk.totals);
    expect(script.heap).toEqual(bulk.heap);
  });

  it('shm: a fragment\'s address is the pointer handed out (pt, from init_pt)', async () => {
    const snapshot = await walkStable(kamailio.pid, 'shm');
    const gdb = await execa('gdb', ['-nx', '--batch', '-iex', 'set auto-load off', '-ex', 'printf "pt=%lx\\n", *(char **) &pt', '/usr/sbin/kamailio', String(kamailio.pid)], { reject: false });
    const pt = /pt=([0-9a-f]+)/.exec(String(gdb.stdout))?.[1];
    const fragment = snapshot.fragments?.find((f) => f.function === 'init_pt' && f.line === 105);
    expect(fragment?.address).toBe(`0x${pt ?? 'none'}`);
  });
});

describe('a mixed run: -x tlsf -X qm', () => {
  let kamailio: KamailioInstance;

  beforeAll(async () => {
    kamailio = await loadedInstance('tlsf', 'qm');
  });

  afterEach(async () => {
    await expectInstanceHealthy(kamailio);
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  it('reads shm as TLSF, sites as corex.shm_summary', async () => {
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', () => shmSummary(kamailio));
    expect(snapshot.heap).toMatchObject({ allocator: 'tlsf_malloc', layout: 'tlsf_malloc/dbg/x86_64' });
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(oracle));
  });

  it('reads pkg as q_malloc, every fragment as qm_status lists it', async () => {
    const pid = await pidOf(kamailio, /^udp receiver child=1/);
    const { snapshot, oracle } = await settled(pid, 'pkg', () => dumpPkg(kamailio, pid));
    expect(snapshot.heap).toMatchObject({ allocator: 'q_malloc', layout: 'q_malloc/dbg/x86_64' });
    expect(snapshotFragmentLines(snapshot)).toEqual(dumpFragmentLines(oracle.fragments));
    expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(oracle.sums));
    expect(snapshot.heap.realUsed).toBe(Number(oracle.heap.realUsed));
  });

  it('walks both heaps of one process with either walker alike', async () => {
    const pid = await pidOf(kamailio, /^timer$/);
    for (const kind of ['shm', 'pkg'] as const) {
      const bulk = await walkStable(pid, kind);
      const script = await walk(pid, kind, 'script');
      expect(script.fragments).toEqual(bulk.fragments);
      expect(script.heap).toEqual(bulk.heap);
    }
  });
});
