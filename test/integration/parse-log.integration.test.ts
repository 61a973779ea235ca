// `kamheap parse-log` on a real Kamailio's stderr log against `kamheap walk` of the same heaps: the
// dumps Kamailio itself logged must give the walk's sites, totals and fragments.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readLogDumps } from '../../src/kamailio-log/read-log.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { dumpPkg, dumpShm, fillShm, runSipp, shmSummary, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { sameFragments, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, walk, walkStable } from './heap-compare.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 200, rate: 200 });
  await runSipp(kamailio, { scenario: 'message', calls: 50, rate: 200 });
  await fillShm(kamailio, { cells: 2000 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** parse-log's snapshots of the instance's whole log, as the CLI prints them. */
async function parseLog(): Promise<AnySnapshot[]> {
  const r = await runCli(['parse-log', kamailio.logFile, '--json', '--fragments']);
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as AnySnapshot[];
}

const totals = (s: AnySnapshot): unknown => ({ size: s.heap.size, used: s.heap.used, realUsed: s.heap.realUsed, maxRealUsed: s.heap.maxRealUsed, free: s.heap.free, block: s.heap.block });

describe('parse-log on a live instance', () => {
  it('turns mem_dump_shm + corex.shm_summary into the snapshot a settled walk gives', async () => {
    // Walk first: the cfg.set_now_int that triggers the dump clones the config in shm after it.
    const walked = await walkStable(kamailio.pid, 'shm');
    await dumpShm(kamailio);
    const cloned = await walkStable(kamailio.pid, 'shm');
    await shmSummary(kamailio);
    expect(sameFragments(cloned, await walk(kamailio.pid, 'shm')), 'shm changed around corex.shm_summary').toBe(true);

    const parsed = (await parseLog()).filter((s) => s.heap.kind === 'shm').at(-1);
    if (parsed === undefined) throw new Error('parse-log found no shm dump');
    expect(parsed.log).toMatchObject({ format: 'stderr', parts: 'status+sums', sitesFrom: 'fragments' });
    expect(parsed.walk).toMatchObject({ walker: 'log', complete: true, fragmentsWalked: walked.fragments?.length });
    expect(parsed.findings).toEqual([]);
    expect(parsed.fragments?.length).toBeGreaterThan(2000);
    // per file: function(line), count and bytes; then the whole site list, module included
    expect(snapshotSiteTotals(parsed)).toEqual(snapshotSiteTotals(walked));
    expect(parsed.sites).toEqual(walked.sites);
    expect(totals(parsed)).toEqual(totals(walked));
    expect(parsed.totals).toEqual(walked.totals);
    expect(snapshotFragmentLines(parsed)).toEqual(snapshotFragmentLines(walked));
    expect(parsed.fragments).toEqual(walked.fragments);

    // The *_sums half of the same dump is Kamailio's count of the heap after the config clone.
    const { dumps } = await readLogDumps(kamailio.logFile);
    const sums = dumps.filter((d) => d.kind === 'shm').at(-1)?.sums;
    expect(sumsSiteTotals(sums?.entries ?? [])).toEqual(snapshotSiteTotals(cloned));
  });

  it('turns a process\'s mem_dump_pkg into the snapshot a walk of its pkg heap gives', async () => {
    const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
    if (timer === undefined) throw new Error('no timer process');
    const walked = await walkStable(timer.pid, 'pkg');
    await dumpPkg(kamailio, timer.pid);
    const parsed = (await parseLog()).filter((s) => s.heap.kind === 'pkg' && s.target.pid === timer.pid).at(-1);
    if (parsed === undefined) throw new Error('parse-log found no pkg dump of the timer');
    expect(parsed.log).toMatchObject({ parts: 'status+sums', sitesFrom: 'fragments' });
    expect(parsed.walk.complete).toBe(true);
    expect(snapshotSiteTotals(parsed)).toEqual(snapshotSiteTotals(walked));
    expect(parsed.sites).toEqual(walked.sites);
    expect(totals(parsed)).toEqual(totals(walked));
    expect(parsed.fragments).toEqual(walked.fragments);
  });
});
