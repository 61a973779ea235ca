// `walk --all`: shm once plus every process's pkg heap, each section equal to what that process
// says of itself (its mem_dump_pkg summary, and pkg.stats).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { dumpPkg, runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { SnapshotDiff } from '../../src/snapshot/diff.js';
import { snapshotSiteTotals, sumsSiteTotals } from './heap-compare.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let dir: string;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 100, rate: 200 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-all-'));
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

/** One `walk --all` snapshot. */
async function walkAll(): Promise<Snapshot> {
  const file = join(dir, `all-${Date.now()}.json`);
  const result = await runCli(['walk', String(kamailio.pid), '--all', '--json', file]);
  expect(result.exitCode).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
}

it('covers every process of core.psx, with pkg totals as pkg.stats reports them', async () => {
  const snapshot = await walkAll();
  const psx = await kamailio.processes();
  expect(snapshot.heap.kind).toBe('shm');
  expect(snapshot.processes?.map((p) => [p.pid, p.role])).toEqual(psx.map((p) => [p.pid, p.description]));
  const stats = await kamailio.rpc('pkg.stats');
  for (const p of snapshot.processes ?? []) {
    expect(p.walk?.complete).toBe(true);
    const block = stats.split('}').find((b) => new RegExp(`pid: ${p.pid}\\b`).test(b)) ?? '';
    expect({ pid: p.pid, size: p.heap?.size, free: p.heap?.free }).toEqual({ pid: p.pid, size: Number(/total_size: (\d+)/.exec(block)?.[1]), free: Number(/free: (\d+)/.exec(block)?.[1]) });
  }
  const aggregate = snapshot.pkgAggregate;
  expect(aggregate?.processes).toBe(psx.length);
  expect(aggregate?.used.count).toBe((snapshot.processes ?? []).reduce((n, p) => n + (p.totals?.used.count ?? 0), 0));
});

it("gives each process a section equal to that process's own mem_dump_pkg summary", async () => {
  const psx = await kamailio.processes();
  // The main process and the slow timer never run the dump request (testbed/README.md).
  const dumping = psx.filter((p) => /^(udp receiver|timer|secondary timer|ctl handler)/.test(p.description));
  expect(dumping.length).toBeGreaterThanOrEqual(4);
  const sites = (s: Snapshot, pid: number): Map<string, string> =>
    snapshotSiteTotals({ sites: s.processes?.find((p) => p.pid === pid)?.sites ?? [] } as unknown as Snapshot);
  const before = await walkAll();
  const dumps = new Map<number, Awaited<ReturnType<typeof dumpPkg>>>();
  for (const p of dumping) dumps.set(p.pid, await dumpPkg(kamailio, p.pid));
  const after = await walkAll();
  for (const p of dumping) {
    // Taken around all the dumps: a section that did not move in between is what the process dumped.
    expect({ pid: p.pid, sites: sites(after, p.pid) }).toEqual({ pid: p.pid, sites: sites(before, p.pid) });
    expect({ pid: p.pid, sites: sites(before, p.pid) }).toEqual({ pid: p.pid, sites: sumsSiteTotals(dumps.get(p.pid)?.sums ?? []) });
  }
});

it('diff of two --all snapshots lists every process and the shm growth', async () => {
  const before = join(dir, 'diff-before.json');
  const after = join(dir, 'diff-after.json');
  expect((await runCli(['walk', String(kamailio.pid), '--all', '--json', before])).exitCode).toBe(0);
  await runSipp(kamailio, { scenario: 'options', calls: 100, rate: 200 });
  expect((await runCli(['walk', String(kamailio.pid), '--all', '--json', after])).exitCode).toBe(0);
  const result = await runCli(['diff', before, after, '--json']);
  const diff = JSON.parse(result.stdout) as SnapshotDiff;
  expect(diff.sites[0]).toMatchObject({ function: 'ht_cell_new', countDelta: 100 });
  expect(diff.processes?.map((p) => p.pid).sort()).toEqual((await kamailio.processes()).map((p) => p.pid).sort());
  expect(diff.pkgAggregate?.used).toBeDefined();
  const text = await runCli(['diff', before, after]);
  expect(text.stdout).toMatch(/pkg heaps of \d+ processes in both snapshots/);
});

