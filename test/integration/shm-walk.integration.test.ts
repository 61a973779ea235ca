// The shm heap of a loaded Kamailio, walked by kamheap, against Kamailio's own dumps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpShm, fillShm, runSipp, shmSummary, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { dumpFragmentLines, sameFragments, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, walk, walkStable } from './heap-compare.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 300, rate: 300 });
  await runSipp(kamailio, { scenario: 'message', calls: 100, rate: 200 });
  await fillShm(kamailio, { cells: 3000 });
});

afterAll(async () => {
  await stopAllKamailio();
});

describe('shm heap', () => {
  it('lists exactly the fragments of mem_dump_shm (address, size, state, site) and its totals', async () => {
    // The dump is taken right after a settled walk: the cfg.set_now_int that triggers it clones
    // the config into shm only after the dump is printed.
    const snapshot = await walkStable(kamailio.pid, 'shm');
    const dump = await dumpShm(kamailio);
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.fragments?.length).toBeGreaterThan(3000);
    expect(snapshotFragmentLines(snapshot)).toEqual(dumpFragmentLines(dump.fragments));
    expect({
      size: snapshot.heap.size,
      used: snapshot.heap.used,
      realUsed: snapshot.heap.realUsed,
      maxRealUsed: snapshot.heap.maxRealUsed,
      free: snapshot.heap.free,
    }).toEqual({
      size: Number(dump.heap.size),
      used: Number(dump.heap.used),
      realUsed: Number(dump.heap.realUsed),
      maxRealUsed: Number(dump.heap.maxRealUsed),
      free: Number(dump.heap.free),
    });
  });

  it('sums sites exactly as corex.shm_summary does, across several modules', async () => {
    let before = await walkStable(kamailio.pid, 'shm');
    for (let attempt = 0; attempt < 3; attempt++) {
      const sums = await shmSummary(kamailio);
      const after = await walk(kamailio.pid, 'shm');
      if (!sameFragments(before, after)) {
        before = await walkStable(kamailio.pid, 'shm');
        continue;
      }
      expect(snapshotSiteTotals(before)).toEqual(sumsSiteTotals(sums));
      const modules = new Set(before.sites.map((s) => s.module));
      for (const m of ['core', 'htable', 'usrloc', 'tm']) expect(modules).toContain(m);
      const usedCount = before.sites.reduce((n, s) => n + s.count, 0);
      expect(before.totals.used.count).toBe(usedCount);
      return;
    }
    throw new Error('shm kept changing around corex.shm_summary');
  });

  it('gives identical sites and fragments with the script and the bulk walker', async () => {
    const bulk = await walkStable(kamailio.pid, 'shm', 'bulk');
    const script = await walk(kamailio.pid, 'shm', 'script');
    const bulkAgain = await walk(kamailio.pid, 'shm', 'bulk');
    expect(sameFragments(bulk, bulkAgain)).toBe(true);
    expect(script.walk.walker).toBe('script');
    expect(script.walk.complete).toBe(true);
    expect(script.fragments).toEqual(bulk.fragments);
    expect(script.sites).toEqual(bulk.sites);
    expect(script.totals).toEqual(bulk.totals);
    expect(script.heap).toEqual(bulk.heap);
  });

  it.each([
    ['bulk', 100, 1600],
    ['script', 2000, 2500],
    ['bulk', 0, 1],
  ] as const)('%s walker --from %i --to %i returns exactly that slice of the full walk', async (walker, from, to) => {
    const full = await walkStable(kamailio.pid, 'shm');
    const slice = await walk(kamailio.pid, 'shm', walker, { from, to });
    expect(sameFragments(full, await walk(kamailio.pid, 'shm'))).toBe(true);
    expect(slice.walk.from).toBe(from);
    expect(slice.walk.to).toBe(to);
    expect(slice.walk.complete).toBe(true);
    expect(slice.fragments).toEqual(full.fragments?.slice(from, to));
    expect(slice.walk.fragmentsWalked).toBe(to - from);
  });

  it('stops at the heap end when --to lies beyond it', async () => {
    const full = await walkStable(kamailio.pid, 'shm');
    const count = full.fragments?.length ?? 0;
    const tail = await walk(kamailio.pid, 'shm', 'bulk', { from: count - 5, to: count + 1000 });
    expect(tail.walk.complete).toBe(true);
    expect(tail.fragments).toEqual(full.fragments?.slice(count - 5));
  });
});
