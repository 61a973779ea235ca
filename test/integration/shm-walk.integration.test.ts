// The shm heap of a loaded Kamailio, walked by kamheap, against Kamailio's own dumps.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { dumpShm, fillShm, runSipp, shmSummary, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';
import { dumpFragmentLines, sameFragments, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, walk, walkStable } from './heap-compare.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 300, rate: 300 });
  await runSipp(kamailio, { scenario: 'message', calls: 100, rate: 200 });
  await fillShm(kamailio, { cells: 3000 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
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

  it('prints a script that plain gdb runs by hand, and parse turns its output into the same snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-hand-'));
    try {
      const full = await walkStable(kamailio.pid, 'shm');
      const script = await runCli(['script', String(kamailio.pid), '--heap', 'shm', '--from', '50', '--to', '2050']);
      expect(script.exitCode).toBe(0);
      expect(script.stdout).toMatch(/^# kamheap .*walk the shm heap of Kamailio PID/);
      const file = join(dir, 'walk.gdb');
      writeFileSync(file, script.stdout);
      // Exactly as the README tells an operator to run it.
      const gdb = await execa('gdb', ['-nx', '--batch', '-iex', 'set auto-load off', `--command=${file}`, '/usr/sbin/kamailio', String(kamailio.pid)], {
        reject: false,
        timeout: 120_000,
      });
      expect(gdb.exitCode).toBe(0);
      const out = join(dir, 'walk.out');
      writeFileSync(out, String(gdb.stdout));
      const parsed = await runCli(['parse', out, '--json', '-', '--fragments']);
      expect(parsed.exitCode).toBe(0);
      const snapshot = JSON.parse(parsed.stdout) as Snapshot;
      expect(sameFragments(full, await walk(kamailio.pid, 'shm'))).toBe(true);
      expect(snapshot.walk.walker).toBe('script');
      expect(snapshot.walk.complete).toBe(true);
      expect(snapshot.target.pid).toBe(kamailio.pid);
      expect(snapshot.fragments).toEqual(full.fragments?.slice(50, 2050));
      expect(snapshot.heap).toEqual(full.heap);
      const slice = await walk(kamailio.pid, 'shm', 'bulk', { from: 50, to: 2050 });
      expect(snapshot.sites).toEqual(slice.sites);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
