// Time and processes on real instances: watch --all names the one process whose pkg is made to grow
// (bench/kamailio-bench.cfg's sqlops fill, which runs in the one UDP receiver), snapshots carry the
// host, release, start and role that /proc and `kamcmd core.psx` give, and diff warns on snapshots
// of two instances and of an instance restarted in between.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { benchAsset } from '../../bench/assets.js';
import { writeItemsDb } from '../../bench/fill.js';
import { sendOptions } from '../../bench/sip-request.js';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { KamailioProcess } from '../../testbed/kamcmd.js';
import type { WatchTrend } from '../../src/snapshot/watch-trend.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { runCli, startCli, waitUntil } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let a: KamailioInstance;
let receiver: KamailioProcess;
let dir: string;
let calls = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kamheap-time-'));
  // db_text refuses a query into a pkg heap much smaller than this (bench/prepare-target.ts uses the same).
  const db = writeItemsDb(dir, 300);
  a = await startKamailio({ children: 1, pkgMb: 256, cfgFile: benchAsset('kamailio-bench.cfg'), extraArgs: ['-A', `KH_SQLCON="bench=>text://${db}"`] });
  const found = (await a.processes()).find((p) => p.description.startsWith('udp receiver'));
  if (!found) throw new Error('core.psx lists no UDP receiver');
  receiver = found;
}, 120_000);

afterEach(async () => {
  await expectInstanceHealthy(a);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

/** One sqlops query into result container R: its rows stay in the receiver's pkg. */
async function pkgFill(r: number): Promise<void> {
  const reply = await sendOptions(a.port, `time-${process.pid}-${calls++}`, { 'X-Pkg-Fill': String(r) }, 20_000, new AbortController().signal);
  expect(reply.status).toBe(200);
  expect(Number(reply.headers.get('x-pid'))).toBe(receiver.pid);
  expect(Number(reply.headers.get('x-rows'))).toBe(300);
}

/** /proc/PID/stat starttime (clock ticks since boot). */
function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** The start time as /proc gives it: btime plus ticks at USER_HZ (100 on x86-64). */
function startIso(pid: number): string {
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  return new Date(btime * 1000 + startTicks(pid) * 10).toISOString();
}

it('watch --all names the process whose pkg grows, by PID and role, with its suspects', async () => {
  const out = join(dir, 'watch');
  const watch = startCli(['watch', String(a.pid), '--all', '--interval', '5', '--samples', '4', '--json', '--out', out]);
  try {
    // A fill after each of the first three samples: the receiver's pkg grows between every two.
    for (let k = 1; k <= 3; k++) {
      const kept = join(out, `snapshot-${String(k).padStart(3, '0')}.json`);
      await waitUntil(() => existsSync(kept), 120_000, `watch sample ${k}`);
      await pkgFill(k - 1);
    }
  } finally {
    await watch;
  }
  const result = await watch;
  expect(result.exitCode).toBe(0);
  const trend = JSON.parse(String(result.stdout)) as WatchTrend;
  expect(trend.schema).toBe('kamheap.watch/2');
  const psx = await a.processes();
  expect(trend.processes?.map((p) => p.pid).sort()).toEqual(psx.map((p) => p.pid).sort());
  const [first, ...rest] = trend.processes ?? [];
  expect(first).toMatchObject({ pid: receiver.pid, role: receiver.description, growing: true, falls: 0, samples: 4 });
  expect(first?.started?.ticks).toBe(startTicks(receiver.pid));
  expect(first?.suspects.map((s) => `${s.file}: ${s.function}`)).toContain('sqlops: sql_api.c: sql_do_query');
  for (const p of rest) expect(p.growing).toBe(false);
  expect(trend.schedule.periodMs).toBe(5000);
  expect(trend.samples.map((s) => Date.parse(s.startedAt ?? ''))).toEqual([...trend.samples.map((s) => Date.parse(s.startedAt ?? ''))].sort((x, y) => x - y));
  const lines = readFileSync(join(out, 'samples.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { startedAt: string; processes: Array<{ pid: number; realUsed: number }> });
  expect(lines.map((l) => l.startedAt)).toEqual(trend.samples.map((s) => s.startedAt));
  const receiverUse = lines.map((l) => l.processes.find((p) => p.pid === receiver.pid)?.realUsed ?? 0);
  expect(receiverUse.at(-1)).toBeGreaterThan(receiverUse[0] ?? Infinity);
  expect(receiverUse).toEqual(first?.realUsed);
}, 300_000);

it('a walked snapshot names host, release, start and role as /proc and core.psx do', async () => {
  const file = join(dir, 'receiver.json');
  expect((await runCli(['walk', String(receiver.pid), '--heap', 'pkg', '--json', file])).exitCode).toBe(0);
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  expect(s.target).toEqual({
    pid: receiver.pid,
    executable: '/usr/sbin/kamailio',
    host: hostname(),
    kamailioVersion: a.version,
    started: { at: startIso(receiver.pid), ticks: startTicks(receiver.pid) },
    role: receiver.description,
    instance: { pid: a.pid, started: { at: startIso(a.pid), ticks: startTicks(a.pid) } },
  });
  const all = join(dir, 'all.json');
  expect((await runCli(['walk', String(a.pid), '--all', '--json', all])).exitCode).toBe(0);
  const instance = JSON.parse(readFileSync(all, 'utf8')) as Snapshot;
  const psx = await a.processes();
  expect(instance.processes?.map((p) => [p.pid, p.role, p.started?.ticks])).toEqual(psx.map((p) => [p.pid, p.description, startTicks(p.pid)]));
}, 120_000);

it('diff warns on snapshots of two instances, and of an instance restarted in between', async () => {
  const shmA = join(dir, 'shm-a.json');
  expect((await runCli(['walk', String(a.pid), '--heap', 'shm', '--json', shmA])).exitCode).toBe(0);
  let b = await startKamailio({ children: 1 });
  const shmB = join(dir, 'shm-b.json');
  expect((await runCli(['walk', String(b.pid), '--heap', 'shm', '--json', shmB])).exitCode).toBe(0);
  const two = await runCli(['diff', shmA, shmB]);
  expect(two.exitCode).toBe(0);
  expect(two.stderr).toContain(`kamheap: warning: different Kamailio instances: main PID ${a.pid} started `);
  await b.stop();
  b = await startKamailio({ children: 1 });
  const restarted = join(dir, 'shm-b2.json');
  expect((await runCli(['walk', String(b.pid), '--heap', 'shm', '--json', restarted])).exitCode).toBe(0);
  const again = await runCli(['diff', shmB, restarted, '--json']);
  expect(again.exitCode).toBe(0);
  const warnings = (JSON.parse(again.stdout) as { warnings: string[] }).warnings;
  expect(warnings[0]).toMatch(/^different Kamailio instances: main PID \d+ started .* a restart in between frees and re-allocates everything: growth is not a leak$/);
  // A new instance maps its shm anew: the block may be elsewhere, and is then named too.
  for (const w of warnings.slice(1)) expect(w).toMatch(/^different shm heaps: block 0x[0-9a-f]+ of \d+ B before, 0x[0-9a-f]+ of \d+ B after$/);
  await b.stop();
  // The same instance walked twice through two of its processes: one shm heap, nothing to warn of.
  const shmA2 = join(dir, 'shm-a2.json');
  expect((await runCli(['walk', String(receiver.pid), '--heap', 'shm', '--json', shmA2])).exitCode).toBe(0);
  const same = await runCli(['diff', shmA, shmA2, '--json']);
  expect((JSON.parse(same.stdout) as { warnings: string[] }).warnings).toEqual([]);
}, 180_000);
