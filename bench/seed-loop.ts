// Method (a): the seed-style GDB batch loop (bench/seed-loop.gdb), one printf per fragment, run
// by a plain `gdb --batch` attached to the target; its output goes to a file and is counted. On a
// large heap it walks only the first `limit` fragments, and the figures are extrapolated to the
// whole heap (the loop's cost is per fragment; gdb's start-up is not).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchAsset } from './assets.js';
import { measureRun } from './measure.js';
import { BenchMethodError, type MethodResult } from './method-result.js';

/** q_malloc (DBG_SR_MEMORY, x86-64) offsets from KAMAILIO-HEAP.md, independent of kamheap's profile. */
export const qmShmOffsets = {
  API_MEM_BLOCK: 16,
  FIRST_FRAG: 48,
  LAST_FRAG_END: 56,
  FRAG_HEADER: 56,
  FRAG_TRAILER: 48,
  SIZE: 0,
  FILE: 16,
  FUNC: 24,
  LINE: 40,
} as const;

export interface SeedLoopOptions {
  pid: number;
  heap: 'shm' | 'pkg';
  executable: string;
  workDir: string;
  gdb: string;
  /** The stop sampler binary (native.ts). */
  sampler: string;
  /** Walk only the first `limit` fragments (null: the whole heap). */
  limit: number | null;
  /** The heap's fragment count (from kamheap's probe), to extrapolate a bounded run to. */
  heapFragments: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** What one run printed: fragments walked, and whether it reached the heap's end. */
export interface SeedCount {
  fragments: number;
  reachedEnd: boolean;
}

const FRAGMENT_LINE = /^(\d+) ([0-9a-f]+) (\d+) /;
const END_LINE = /^SEED_END walked=(\d+) at=([0-9a-f]+) end=([0-9a-f]+)$/;

/** Fills the template's {{NAME}} placeholders: the offsets, the heap's root symbol, the fragment limit. */
export function renderSeedLoop(template: string, heap: 'shm' | 'pkg' = 'shm', limit: number | null = null): string {
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(qmShmOffsets).map(([name, value]) => [name, String(value)])),
    ROOT: heap === 'shm' ? '_shm_root' : '_pkg_root',
    LIMIT: limit === null ? '' : ` && $i < ${limit}`,
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`seed-loop.gdb: unknown placeholder {{${name}}}`);
    return value;
  });
}

/**
 * A bounded run's figures scaled to the whole heap: the observed stop (the loop) grows with the
 * fragment count, the rest of the wall time (gdb's start, symbols) does not.
 */
export function extrapolateSeed(
  sampled: { wallMs: number; stoppedMs: number | null; fragments: number },
  heapFragments: number,
): { wallMs: number; stoppedMs: number | null } {
  if (sampled.fragments <= 0) throw new Error('seed loop: nothing walked to extrapolate from');
  const factor = heapFragments / sampled.fragments;
  if (sampled.stoppedMs === null) return { wallMs: sampled.wallMs * factor, stoppedMs: null };
  const stoppedMs = sampled.stoppedMs * factor;
  return { wallMs: sampled.wallMs - sampled.stoppedMs + stoppedMs, stoppedMs };
}

/** Runs the loop against `pid` and checks that it walked the whole heap. */
export async function runSeedLoop(opts: SeedLoopOptions): Promise<MethodResult> {
  const base = join(opts.workDir, `seed-loop-${opts.heap}-${opts.pid}`);
  const script = `${base}.gdb`;
  writeFileSync(script, renderSeedLoop(readFileSync(benchAsset('seed-loop.gdb'), 'utf8'), opts.heap, opts.limit));
  const stdoutFile = `${base}.out`;
  const stderrFile = `${base}.err`;
  const args = [
    '-nx', '--batch', '-iex', 'set auto-load off', '-iex', 'set debuginfod enabled off',
    `--command=${script}`, opts.executable, String(opts.pid),
  ];
  const run = await measureRun({
    command: opts.gdb,
    args,
    cwd: opts.workDir,
    stdoutFile,
    stderrFile,
    timeFile: `${base}.time`,
    targetPid: opts.pid,
    sampler: opts.sampler,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  const stderr = tail(readFileSync(stderrFile, 'utf8'));
  if (run.exitCode !== 0) throw new BenchMethodError('seed-loop', `gdb exited with ${run.exitCode ?? run.exitSignal}`, stderr);
  const count = countFragments(readFileSync(stdoutFile, 'utf8'), stderr, opts.limit);
  const full = opts.limit === null;
  const scaled = full
    ? { wallMs: run.wallMs, stoppedMs: run.targetStop.stoppedMs }
    : extrapolateSeed({ wallMs: run.wallMs, stoppedMs: run.targetStop.stoppedMs, fragments: count.fragments }, opts.heapFragments);
  return {
    id: 'seed-loop',
    fragments: full ? count.fragments : opts.heapFragments,
    wallMs: scaled.wallMs,
    pauseMs: scaled.stoppedMs,
    observedStop: { ...run.targetStop, stoppedMs: scaled.stoppedMs },
    // gdb is the whole tool here: GNU time's figure is gdb's own peak.
    toolRssKb: run.treeMaxRssKb,
    treeRssKb: run.treeMaxRssKb,
    heapBytes: null,
    heapBlock: null,
    allocator: null,
    bytesRead: null,
    walkMs: null,
    modules: [],
    consistencyMode: null,
    attachMs: null,
    detachMs: null,
    sampledFragments: full ? null : count.fragments,
  };
}

/**
 * Counts fragment lines and checks them against the SEED_END line: contiguous indices, and the
 * walk ended at the heap end, or (with `limit`) after exactly `limit` fragments or at the end.
 */
export function countFragments(output: string, stderr = '', limit: number | null = null): SeedCount {
  const fail = (message: string, detail = stderr): BenchMethodError => new BenchMethodError('seed-loop', message, detail);
  let count = 0;
  let end: RegExpExecArray | null = null;
  for (const line of output.split('\n')) {
    const fragment = FRAGMENT_LINE.exec(line);
    if (fragment) {
      if (Number(fragment[1]) !== count) throw fail(`fragment line ${count} has index ${fragment[1]}`, line);
      count += 1;
    } else if (line.startsWith('SEED_END ')) {
      end = END_LINE.exec(line);
    }
  }
  if (end === null) throw fail(`no SEED_END line after ${count} fragments: the loop did not finish`);
  const [, walked = '', at = '', last = ''] = end;
  if (Number(walked) !== count) throw fail(`SEED_END says ${walked} fragments, ${count} lines printed`);
  const reachedEnd = BigInt(`0x${at}`) === BigInt(`0x${last}`) + BigInt(qmShmOffsets.FRAG_TRAILER);
  if (!reachedEnd && (limit === null || count !== limit || BigInt(`0x${at}`) > BigInt(`0x${last}`))) {
    throw fail(`the walk stopped at 0x${at} after ${count} fragments, not at the heap end (last_frag_end 0x${last} + trailer)${limit === null ? '' : ` nor at the limit ${limit}`}`);
  }
  return { fragments: count, reachedEnd };
}

// The last lines of a log, for error messages.
function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
