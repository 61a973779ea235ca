// Methods (b) and (c): `node bin/kamheap.js walk PID --heap shm --walker script|bulk --json FILE --max-pause 0`,
// exactly as a user runs it, plus a preload that reports the node process's own peak RSS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Snapshot } from '../src/snapshot/snapshot.js';
import { measureRun } from './measure.js';
import { BenchMethodError, type MethodResult } from './method-result.js';

export type Walker = 'script' | 'bulk';

export interface KamheapWalkOptions {
  pid: number;
  walker: Walker;
  /** Distinguishes repeated runs' files (and the allocators' and untimed probes' ones). */
  run: number | string;
  repoRoot: string;
  workDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs one kamheap walk and reads its snapshot. */
export async function runKamheapWalk(opts: KamheapWalkOptions): Promise<MethodResult> {
  const base = join(opts.workDir, `${opts.walker}-${opts.run}`);
  const jsonFile = `${base}.json`;
  const rssFile = `${base}.rss`;
  const preload = pathToFileURL(fileURLToPath(new URL('./max-rss-preload.js', import.meta.url))).href;
  const kamheap = join(opts.repoRoot, 'bin', 'kamheap.js');
  // --max-pause 0: the benchmark measures the script walker's whole pause (the CLI's default stops it at 30 s).
  const args = ['--import', preload, kamheap, 'walk', String(opts.pid), '--heap', 'shm', '--walker', opts.walker, '--json', jsonFile, '--max-pause', '0'];
  const run = await measureRun({
    command: process.execPath,
    args,
    cwd: opts.repoRoot,
    env: { ...process.env, KAMHEAP_BENCH_RSS_FILE: rssFile },
    stdoutFile: `${base}.out`,
    stderrFile: `${base}.err`,
    timeFile: `${base}.time`,
    targetPid: opts.pid,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  const stderr = readFileSync(`${base}.err`, 'utf8').trim();
  if (run.exitCode !== 0) throw new BenchMethodError(opts.walker, `kamheap exited with ${run.exitCode ?? run.exitSignal}`, stderr);
  const snapshot = readSnapshot(jsonFile, opts.walker);
  if (!snapshot.walk.complete) {
    const findings = snapshot.findings.map((f) => `${f.kind} at ${f.index}: ${f.message}`);
    throw new BenchMethodError(opts.walker, 'walk incomplete', findings.join('\n'));
  }
  return {
    id: opts.walker,
    fragments: snapshot.walk.fragmentsWalked,
    wallMs: run.wallMs,
    pauseMs: snapshot.walk.pauseMs,
    observedStop: run.targetStop,
    toolRssKb: readRss(rssFile),
    treeRssKb: run.treeMaxRssKb,
    heapBytes: snapshot.heap.size,
    allocator: snapshot.heap.allocator,
    bytesRead: snapshot.walk.bytesRead,
    walkMs: snapshot.walk.durationMs,
    modules: [...new Set(snapshot.sites.map((s) => s.module))].sort(),
  };
}

// The snapshot file, with the few fields the benchmark relies on checked.
function readSnapshot(file: string, walker: Walker): Snapshot {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch (error) {
    throw new BenchMethodError(walker, `no readable snapshot in ${file}`, (error as Error).message);
  }
  if (snapshot.walk?.walker !== walker || !Number.isInteger(snapshot.walk.fragmentsWalked) || !Array.isArray(snapshot.sites)) {
    throw new BenchMethodError(walker, `${file} is not a kamheap snapshot of a ${walker} walk`, '');
  }
  return snapshot;
}

// The preload's figure, or null if the process died before writing it.
function readRss(file: string): number | null {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}
