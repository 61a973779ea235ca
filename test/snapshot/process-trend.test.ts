// watch --all's per-process trend on four real `walk --all` samples of one instance with an sqlops
// pkg fill between each two, which runs in its one UDP receiver
// (test/fixtures/snapshots/identity/capture.mjs): that receiver is named, with its sqlops suspects;
// the pkg sum is headed as a sum.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWatchReport } from '../../src/export/trend-report.js';
import { analyzeProcesses } from '../../src/snapshot/process-trend.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { watchTrend } from '../../src/snapshot/watch-trend.js';

const dir = new URL('../fixtures/snapshots/identity/', import.meta.url);
const facts = JSON.parse(readFileSync(new URL('facts.json', dir), 'utf8')) as { a: { receiver: { pid: number; role: string }; psx: unknown[] } };
const receiver = facts.a.receiver;

async function samples(): Promise<Snapshot[]> {
  const all: Snapshot[] = [];
  for (const n of [1, 2, 3, 4]) all.push((await readSnapshot(new URL(`all-${n}.json`, dir).pathname)) as Snapshot);
  return all;
}

describe('analyzeProcesses', () => {
  it('names the one process whose pkg grows, first, by PID and role, with its sqlops suspects', async () => {
    const trends = analyzeProcesses(await samples());
    expect(trends).toHaveLength(facts.a.psx.length);
    const [first, ...rest] = trends;
    expect(first).toMatchObject({ pid: receiver.pid, role: receiver.role, growing: true, rises: 3, falls: 0, samples: 4 });
    expect(first?.realUsed).toEqual([889312, 1094384, 1299504, 1504688]);
    expect(first?.suspects.map(siteString).sort()).toEqual([
      'sqlops: sql_api.c: sql_do_query(319)',
      'sqlops: sql_api.c: sql_do_query(331)',
      'sqlops: sql_api.c: sql_do_query(344)',
      'sqlops: sql_api.c: sql_do_query(353)',
      'sqlops: sql_api.c: sql_do_query(431)',
    ]);
    for (const p of rest) expect(p).toMatchObject({ growing: false, realUsedDelta: 0, suspects: [] });
  });

  it('keeps a process restarted under its PID apart from the old one (start ticks differ)', async () => {
    const all = await samples();
    const later = all.slice(2).map((s) => structuredClone(s));
    for (const s of later) {
      const section = s.processes?.find((p) => p.pid === receiver.pid);
      if (section?.started) section.started = { ...section.started, ticks: section.started.ticks + 5000 };
    }
    const trends = analyzeProcesses([...all.slice(0, 2), ...later]).filter((p) => p.pid === receiver.pid);
    expect(trends.map((p) => p.samples)).toEqual([2, 2]);
    expect(trends.every((p) => !p.growing)).toBe(true);
  });
});

describe('the watch --all report', () => {
  it('heads the sum as a sum and names the growing process with its role and suspects', async () => {
    const all = await samples();
    const trend = watchTrend(all.map((snapshot) => ({ snapshot, startedAt: snapshot.createdAt, walkMs: 1500 })), 10_000, 0);
    const text = renderWatchReport(trend, 5);
    expect(text).not.toMatch(/pkg heap of PID/);
    expect(text).toContain(`pkg heaps of ${facts.a.psx.length} processes, summed, 4 samples from `);
    expect(text).toContain(`pkg by process (1 growing of ${facts.a.psx.length}): `);
    expect(text).toContain(`  GROWS  PID ${receiver.pid} ${receiver.role}, started `);
    expect(text).toContain(': real used 868 KiB -> 1.43 MiB (+601 KiB, up 3 down 0)\n');
    expect(text).toMatch(/\n {4}suspect +\+105 KiB .* sqlops: sql_api\.c: sql_do_query\(353\) {2}\[0 B 35\.2 KiB 70\.3 KiB 105 KiB\]\n/);
    expect(text).toContain(`  ${facts.a.psx.length - 1} other processes did not move\n`);
    expect(trend.processes?.[0]?.pid).toBe(receiver.pid);
    expect(trend.samples.map((s) => s.startedAt)).toEqual(all.map((s) => s.createdAt));
    expect(text).toContain('  schedule: on schedule: every sample started one period (10 s) after the one before\n');
    const behind = watchTrend(all.map((snapshot) => ({ snapshot, startedAt: snapshot.createdAt, walkMs: 12_500 })), 10_000, 2);
    expect(behind.schedule).toEqual({ periodMs: 10_000, late: 2, longestWalkMs: 12_500, note: '2 of 3 samples fell behind: a walk took longer than the 10 s period (longest 12.5 s), so the next started at once' });
  });
});
