// The per-allocator table: the bulk walker (stopped) on a q_malloc, an f_malloc and a TLSF shm
// heap of the same size and load, one Kamailio each, with the pause target per allocator.
import type { Allocator } from '../testbed/index.js';
import { allocatorNames } from './config.js';
import { fixed, mb, minMedian, table, worst } from './format.js';
import { medianRun, type MethodResult } from './method-result.js';

/**
 * The targets of the earlier benchmark: bulk 20x faster end to end than the seed loop, and a pause
 * under 200 ms on a 64 MB shm heap of at least 100,000 fragments.
 */
export const targets = { speedUp: 20, pauseMs: 200, minFragments: 100_000, heapMb: 64 } as const;

/** The bulk walker's repeated runs on one allocator's heap, or why there are none. */
export interface AllocatorResult {
  allocator: Allocator;
  targetPid: number | null;
  targetRole: string | null;
  /** htable cells filled in, top-ups included. */
  cells: number;
  /** Top-up rounds it took to reach the fragment minimum. */
  topUps: number;
  /** The bulk runs, in run order (for q_malloc, the stopped bulk runs of the size table at the same size). */
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
    `${name}: ${repeatLine(r.bulk)}`,
    `${name}: pause < ${targets.pauseMs} ms at >= ${targets.minFragments.toLocaleString('en-US')} fragments, ${targets.heapMb} MB shm: ` +
      `worst of ${r.bulk.length} ${fixed(worstPause, 1)} ms ... ${pauseOk ? 'PASS' : 'MISS'}${why}`,
  ];
}

/** min/median of repeated runs: wall, pause, peak RSS. */
export function repeatLine(runs: readonly MethodResult[]): string {
  const wall = minMedian(runs.map((r) => r.wallMs / 1000));
  const pause = minMedian(runs.map((r) => r.pauseMs));
  const rss = minMedian(runs.map((r) => mb(r.toolRssKb)));
  const part = (name: string, s: { min: number; median: number } | null, digits: number, unit: string): string =>
    s === null ? `${name} n/a` : `${name} min ${s.min.toFixed(digits)} / median ${s.median.toFixed(digits)} ${unit}`;
  const parts = [part('wall', wall, 2, 's'), part('pause', pause, 1, 'ms'), part('peak RSS', rss, 0, 'MB')];
  return `bulk x${runs.length}: ${parts.join('; ')}`;
}
