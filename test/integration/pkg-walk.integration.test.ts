// The pkg heap of single Kamailio processes against each process's own mem_dump_pkg.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { dumpPkg, runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';
import { dumpFragmentLines, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, walkStable } from './heap-compare.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 200, rate: 200 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

it.each([/^udp receiver child=0/, /^timer$/])('the pkg snapshot of the %s process equals its mem_dump_pkg', async (role) => {
  const process = (await kamailio.processes()).find((p) => role.test(p.description));
  if (!process) throw new Error(`no process matching ${role}`);
  const snapshot = await walkStable(process.pid, 'pkg');
  const dump = await dumpPkg(kamailio, process.pid);
  expect(snapshot.heap.kind).toBe('pkg');
  expect(snapshot.target.pid).toBe(process.pid);
  expect(snapshot.walk.complete).toBe(true);
  expect(snapshot.fragments?.length).toBeGreaterThan(100);
  expect(snapshotFragmentLines(snapshot)).toEqual(dumpFragmentLines(dump.fragments));
  expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(dump.sums));
  expect(snapshot.heap.realUsed).toBe(Number(dump.heap.realUsed));
  expect(snapshot.heap.used).toBe(Number(dump.heap.used));
});
