// Method (a): the seed-style GDB batch loop (bench/seed-loop.gdb), one printf per fragment, run
// by a plain `gdb --batch` attached to the target; its output goes to a file and is counted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  executable: string;
  workDir: string;
  gdb: string;
  timeoutMs: number;
  signal: AbortSignal;
}

const FRAGMENT_LINE = /^(\d+) ([0-9a-f]+) (\d+) /;
const END_LINE = /^SEED_END walked=(\d+) at=([0-9a-f]+) end=([0-9a-f]+)$/;

/** The template, from the source tree (bench/) whether running from source or from dist/bench/. */
export function seedLoopTemplatePath(): string {
  const candidates = [new URL('./seed-loop.gdb', import.meta.url), new URL('../../bench/seed-loop.gdb', import.meta.url)];
  const paths = candidates.map((url) => fileURLToPath(url));
  const found = paths.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`seed-loop.gdb not found (looked in ${paths.join(', ')})`);
  return found;
}

/** Fills the template's {{NAME}} placeholders with the offsets. */
export function renderSeedLoop(template: string): string {
  const values: Record<string, number> = qmShmOffsets;
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`seed-loop.gdb: unknown placeholder {{${name}}}`);
    return String(value);
  });
}

/** Runs the loop against `pid` and checks that it walked the whole heap. */
export async function runSeedLoop(opts: SeedLoopOptions): Promise<MethodResult> {
  const script = join(opts.workDir, 'seed-loop.gdb');
  writeFileSync(script, renderSeedLoop(readFileSync(seedLoopTemplatePath(), 'utf8')));
  const stdoutFile = join(opts.workDir, 'seed-loop.out');
  const stderrFile = join(opts.workDir, 'seed-loop.err');
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
    timeFile: join(opts.workDir, 'seed-loop.time'),
    targetPid: opts.pid,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  const stderr = tail(readFileSync(stderrFile, 'utf8'));
  if (run.exitCode !== 0) throw new BenchMethodError('seed-loop', `gdb exited with ${run.exitCode ?? run.exitSignal}`, stderr);
  const fragments = countFragments(readFileSync(stdoutFile, 'utf8'), stderr);
  return {
    id: 'seed-loop',
    fragments,
    wallMs: run.wallMs,
    pauseMs: run.targetStop.stoppedMs,
    observedStop: run.targetStop,
    // gdb is the whole tool here: GNU time's figure is gdb's own peak.
    toolRssKb: run.treeMaxRssKb,
    treeRssKb: run.treeMaxRssKb,
    heapBytes: null,
    allocator: null,
    bytesRead: null,
    walkMs: null,
    modules: [],
  };
}

/** Counts fragment lines and checks them against the SEED_END line (contiguous, ended at the heap end). */
export function countFragments(output: string, stderr = ''): number {
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
  if (BigInt(`0x${at}`) !== BigInt(`0x${last}`) + BigInt(qmShmOffsets.FRAG_TRAILER)) {
    throw fail(`the walk stopped at 0x${at}, not at the heap end (last_frag_end 0x${last} + trailer)`);
  }
  return count;
}

// The last lines of a log, for error messages.
function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
