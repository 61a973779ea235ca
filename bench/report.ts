// Turns the measured runs into the printed tables, the repeat statistics and the target verdicts:
// the q_malloc comparison of the three methods, and the bulk walker on each shm allocator.
import type { Allocator } from '../testbed/index.js';
import { allocatorNames } from './config.js';
import type { MethodResult } from './method-result.js';

export interface BenchResults {
  seed: MethodResult;
  script: MethodResult;
  /** The repeated bulk walks, in run order. */
  bulk: MethodResult[];
  heapBytes: number;
  targetPid: number;
  targetRole: string;
  /** Which code was measured (describeSourceState). */
  source: string;
}

export const targets = { speedUp: 20, pauseMs: 200, minFragments: 100_000, heapMb: 64 } as const;

const labels: Record<MethodResult['id'], string> = {
  'seed-loop': '(a) seed GDB loop',
  script: '(b) kamheap script',
  bulk: '(c) kamheap bulk',
};

/** Minimum and median of the non-null values (null when there are none). */
export function minMedian(values: readonly (number | null)[]): { min: number; median: number } | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { min: sorted[0] ?? 0, median };
}

/** One row standing for the repeated bulk runs: the median of each figure. */
export function medianRun(runs: readonly MethodResult[]): MethodResult {
  const first = runs[0];
  if (first === undefined) throw new Error('no bulk runs to summarize');
  const med = (pick: (r: MethodResult) => number | null): number | null => minMedian(runs.map(pick))?.median ?? null;
  return {
    ...first,
    wallMs: med((r) => r.wallMs) ?? first.wallMs,
    pauseMs: med((r) => r.pauseMs),
    observedStop: { ...first.observedStop, stoppedMs: med((r) => r.observedStop.stoppedMs) },
    toolRssKb: med((r) => r.toolRssKb),
    treeRssKb: med((r) => r.treeRssKb),
  };
}

/** Whether every method saw the same number of fragments; the message names each count. */
export function fragmentAgreement(results: BenchResults): { ok: boolean; message: string } {
  const all = [results.seed, results.script, ...results.bulk];
  const counts = all.map((r, i) => `${labels[r.id]}${r.id === 'bulk' ? ` #${i - 1}` : ''}: ${r.fragments}`);
  const ok = all.every((r) => r.fragments === results.seed.fragments);
  const message = ok ? `all methods walked ${results.seed.fragments} fragments` : `FRAGMENT COUNT MISMATCH: ${counts.join(', ')}`;
  return { ok, message };
}

/** The whole printed report (stdout). */
export function renderReport(results: BenchResults): string {
  const bulkRow = medianRun(results.bulk);
  const rows = [results.seed, results.script, bulkRow];
  const baseline = results.seed.wallMs;
  const header = [
    'method', 'fragments', 'wall s', 'pause ms', 'stop seen ms', 'peak RSS MB', 'tree RSS MB', 'fragments/s', 'speed-up vs (a)',
  ];
  const body = rows.map((r) => [
    r.id === 'bulk' ? `${labels[r.id]} (median of ${results.bulk.length})` : labels[r.id],
    String(r.fragments),
    (r.wallMs / 1000).toFixed(2),
    fixed(r.pauseMs, 0),
    fixed(r.observedStop.stoppedMs, 0),
    fixed(mb(r.toolRssKb), 0),
    fixed(mb(r.treeRssKb), 0),
    Math.round(r.fragments / (r.wallMs / 1000)).toLocaleString('en-US'),
    `${(baseline / r.wallMs).toFixed(1)}x`,
  ]);
  const lines = [
    results.source,
    `shm heap of PID ${results.targetPid} (${results.targetRole}), ${(results.heapBytes / 2 ** 20).toFixed(0)} MB, q_malloc`,
    '',
    ...table(header, body),
    '',
    repeatLine(results.bulk),
    fragmentAgreement(results).message,
    ...verdicts(results, bulkRow),
  ];
  return `${lines.join('\n')}\n`;
}

// min/median of the repeated bulk runs.
function repeatLine(runs: readonly MethodResult[]): string {
  const wall = minMedian(runs.map((r) => r.wallMs / 1000));
  const pause = minMedian(runs.map((r) => r.pauseMs));
  const rss = minMedian(runs.map((r) => mb(r.toolRssKb)));
  const part = (name: string, s: { min: number; median: number } | null, digits: number, unit: string): string =>
    s === null ? `${name} n/a` : `${name} min ${s.min.toFixed(digits)} / median ${s.median.toFixed(digits)} ${unit}`;
  const parts = [part('wall', wall, 2, 's'), part('pause', pause, 1, 'ms'), part('peak RSS', rss, 0, 'MB')];
  return `(c) bulk x${runs.length}: ${parts.join('; ')}`;
}

// PASS/MISS for the two targets; a precondition that does not hold is a MISS with the reason.
function verdicts(results: BenchResults, bulk: MethodResult): string[] {
  const speedUp = results.seed.wallMs / bulk.wallMs;
  // A run without a pause figure makes the worst case unknown, which is not a pass.
  const pauses = results.bulk.map((r) => r.pauseMs);
  const worstPause = pauses.includes(null) ? null : Math.max(...pauses.map((p) => p ?? 0));
  const big = bulk.fragments >= targets.minFragments && Math.round(results.heapBytes / 2 ** 20) === targets.heapMb;
  const pauseOk = big && worstPause !== null && worstPause < targets.pauseMs;
  const heapMb = (results.heapBytes / 2 ** 20).toFixed(0);
  const why = big ? '' : ` (precondition not met: ${bulk.fragments} fragments, ${heapMb} MB heap)`;
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
  const atLeast = targets.minFragments.toLocaleString('en-US');
  return [
    `target: bulk >= ${targets.speedUp}x faster end to end than (a): ${speedUp.toFixed(1)}x (median wall) ... ` +
      verdict(speedUp >= targets.speedUp),
    `target: pause < ${targets.pauseMs} ms at >= ${atLeast} fragments, ${targets.heapMb} MB shm: ` +
      `worst of ${results.bulk.length} bulk runs ${fixed(worstPause, 1)} ms (median ${fixed(bulk.pauseMs, 1)}) ... ${verdict(pauseOk)}${why}`,
  ];
}

/** The bulk walker's repeated runs on one allocator's heap, or why there are none. */
export interface AllocatorResult {
  allocator: Allocator;
  targetPid: number | null;
  targetRole: string | null;
  /** htable cells filled in, top-ups included. */
  cells: number;
  /** fillShm top-up rounds it took to reach the fragment minimum. */
  topUps: number;
  /** The bulk runs, in run order (for q_malloc, the same runs as (c) of the comparison). */
  bulk: MethodResult[];
  /** Set when this allocator's runs failed; the other allocators still run. */
  error: string | null;
}

/** Whether every bulk run on each allocator saw the same number of fragments (the heap is quiet). */
export function allocatorAgreement(results: readonly AllocatorResult[]): { ok: boolean; messages: string[] } {
  const messages: string[] = [];
  for (const r of results) {
    const counts = r.bulk.map((b) => b.fragments);
    if (counts.some((c) => c !== counts[0])) {
      messages.push(`FRAGMENT COUNT MISMATCH on ${allocatorNames[r.allocator]}: bulk runs saw ${counts.join(', ')}`);
    }
  }
  return { ok: messages.length === 0, messages };
}

/**
 * The per-allocator report: one row per allocator with the median of its bulk runs. fragments/s
 * and read MB/s divide by the median wall time; read MB is walk.bytesRead, the heap bytes read
 * from /proc/PID/mem during the pause, in MiB.
 */
export function renderAllocatorReport(results: readonly AllocatorResult[], shmMb: number): string {
  const header = [
    'allocator', 'fragments', 'heap MB', 'read MB', 'wall s', 'fragments/s', 'read MB/s',
    'pause ms median', 'pause ms worst', 'stop seen ms', 'peak RSS MB',
  ];
  const body = results.map((r) => {
    const name = allocatorNames[r.allocator];
    if (r.bulk.length === 0) return [name, 'failed', ...header.slice(2).map(() => '-')];
    const row = medianRun(r.bulk);
    const wallS = row.wallMs / 1000;
    const readMb = mb(minMedian(r.bulk.map((b) => b.bytesRead))?.median ?? null, 2 ** 20);
    return [
      `${name} (median of ${r.bulk.length})`,
      row.fragments.toLocaleString('en-US'),
      fixed(mb(row.heapBytes, 2 ** 20), 0),
      fixed(readMb, 1),
      wallS.toFixed(2),
      Math.round(row.fragments / wallS).toLocaleString('en-US'),
      fixed(readMb === null ? null : readMb / wallS, 1),
      fixed(row.pauseMs, 1),
      fixed(worst(r.bulk.map((b) => b.pauseMs)), 1),
      fixed(row.observedStop.stoppedMs, 0),
      fixed(mb(row.toolRssKb), 0),
    ];
  });
  const lines = [
    `bulk walker per shm allocator (${shmMb} MB shm, pkg the same allocator; fragments/s and read MB/s over the median wall time;`,
    'read MB = heap bytes read from /proc/PID/mem during the pause, walk.bytesRead, MiB)',
    '',
    ...table(header, body),
    '',
    ...results.flatMap((r) => allocatorLines(r, shmMb)),
    ...allocatorAgreement(results).messages,
  ];
  return `${lines.join('\n')}\n`;
}

// Per allocator: the target, the fill, min/median of the runs and the pause target, or the error.
function allocatorLines(r: AllocatorResult, shmMb: number): string[] {
  const name = allocatorNames[r.allocator];
  if (r.error !== null) return [`${name}: FAILED: ${r.error.split('\n')[0] ?? ''}`];
  const row = medianRun(r.bulk);
  const fill = `${r.cells.toLocaleString('en-US')} htable cells${r.topUps > 0 ? ` (${r.topUps} top-up${r.topUps > 1 ? 's' : ''})` : ''}`;
  const walk = minMedian(r.bulk.map((b) => (b.walkMs === null ? null : b.walkMs / 1000)));
  const walkPart = walk === null ? '' : `; kamheap's own walk (walk.durationMs) min ${walk.min.toFixed(2)} / median ${walk.median.toFixed(2)} s`;
  const worstPause = worst(r.bulk.map((b) => b.pauseMs));
  const heapMb = Math.round((row.heapBytes ?? 0) / 2 ** 20);
  const big = row.fragments >= targets.minFragments && heapMb === shmMb && shmMb === targets.heapMb;
  const pauseOk = big && worstPause !== null && worstPause < targets.pauseMs;
  const why = big ? '' : ` (precondition not met: ${row.fragments} fragments, ${heapMb} MB heap)`;
  return [
    `${name}: PID ${r.targetPid ?? '?'} (${r.targetRole ?? '?'}), ${fill}${walkPart}`,
    `${name}: ${repeatLine(r.bulk).replace(/^\(c\) /, '')}`,
    `${name}: pause < ${targets.pauseMs} ms at >= ${targets.minFragments.toLocaleString('en-US')} fragments, ${targets.heapMb} MB shm: ` +
      `worst of ${r.bulk.length} ${fixed(worstPause, 1)} ms ... ${pauseOk ? 'PASS' : 'MISS'}${why}`,
  ];
}

// The largest value; null when any is unknown (an unknown worst case is not a figure).
function worst(values: readonly (number | null)[]): number | null {
  return values.length === 0 || values.includes(null) ? null : Math.max(...values.map((v) => v ?? 0));
}

// Left-aligned first column, right-aligned figures, a rule under the header.
function table(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

// kB (or any unit, by `per`) to MB (MiB), keeping null.
function mb(value: number | null, per = 1024): number | null {
  return value === null ? null : value / per;
}

// A figure with fixed decimals, or "n/a".
function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}
