// The kamheap runs: `node bin/kamheap.js walk PID --heap shm|pkg --walker script|bulk [--stop]
// --json FILE --max-pause 0`, exactly as a user runs it, plus a preload that reports the node
// process's own peak RSS; and the same with --fragments, whose outcome is recorded, not trusted.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Snapshot } from '../src/snapshot/snapshot.js';
import { measureRun } from './measure.js';
import { BenchMethodError, type ConsistencyMode, type MethodResult } from './method-result.js';
import type { StopObservation } from './target-stop.js';

export type Walker = 'script' | 'bulk';

/**
 * stop: pass --stop (the stopped walk); live: pass nothing, expecting the live shm walk; default:
 * pass nothing to a CLI that has no --stop (its shm walk always stops the target), or for pkg.
 */
export type WalkMode = 'stop' | 'live' | 'default';

export interface KamheapWalkOptions {
  pid: number;
  heap: 'shm' | 'pkg';
  walker: Walker;
  mode: WalkMode;
  /** Distinguishes repeated runs' files (and the probes' ones). */
  run: number | string;
  repoRoot: string;
  workDir: string;
  sampler: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** What the CLI under test offers (its `walk --help`). */
export interface CliModes {
  /** `walk --stop` exists: shm walks are live by default, --stop is the stopped mode. */
  stopFlag: boolean;
}

/** Whether a `walk --help` text lists a `--stop` option (not merely one that starts so, like --stop-after). */
export function hasStopFlag(help: string): boolean {
  return /(^|\s)--stop(?![\w-])/m.test(help);
}

/** Reads `kamheap walk --help` for the options the benchmark's columns depend on. */
export function detectCliModes(repoRoot: string): CliModes {
  const help = spawnSync(process.execPath, [join(repoRoot, 'bin', 'kamheap.js'), 'walk', '--help'], { encoding: 'utf8', timeout: 60_000 });
  if (help.status !== 0) throw new Error(`kamheap walk --help failed: ${help.stderr || help.error?.message}`);
  return { stopFlag: hasStopFlag(help.stdout) };
}

/** The fields of `walk` that newer kamheap versions add, read defensively (absent or mistyped: null). */
export function walkExtras(walk: unknown): Pick<MethodResult, 'consistencyMode' | 'attachMs' | 'detachMs'> {
  const record = typeof walk === 'object' && walk !== null ? (walk as Record<string, unknown>) : {};
  const consistency = record.consistency;
  const mode = typeof consistency === 'object' && consistency !== null ? (consistency as Record<string, unknown>).mode : undefined;
  const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return {
    consistencyMode: mode === 'stopped' || mode === 'live' ? (mode satisfies ConsistencyMode) : null,
    attachMs: number(record.attachMs),
    detachMs: number(record.detachMs),
  };
}

// The command line of one walk; the benchmark measures the whole pause (--max-pause 0, no limit).
function walkArgs(opts: KamheapWalkOptions, jsonFile: string, fragments: boolean): string[] {
  const preload = pathToFileURL(fileURLToPath(new URL('./max-rss-preload.js', import.meta.url))).href;
  return [
    '--import', preload, join(opts.repoRoot, 'bin', 'kamheap.js'),
    'walk', String(opts.pid), '--heap', opts.heap, '--walker', opts.walker,
    ...(opts.mode === 'stop' ? ['--stop'] : []),
    ...(fragments ? ['--fragments'] : []),
    '--json', jsonFile, '--max-pause', '0',
  ];
}

// One measured kamheap process with its files named after `tag`.
async function measureWalk(opts: KamheapWalkOptions, tag: string, fragments: boolean) {
  const base = join(opts.workDir, `${tag}-${opts.pid}-${opts.run}`);
  const jsonFile = `${base}.json`;
  const rssFile = `${base}.rss`;
  const run = await measureRun({
    command: process.execPath,
    args: walkArgs(opts, jsonFile, fragments),
    cwd: opts.repoRoot,
    env: { ...process.env, KAMHEAP_BENCH_RSS_FILE: rssFile },
    stdoutFile: `${base}.out`,
    stderrFile: `${base}.err`,
    timeFile: `${base}.time`,
    targetPid: opts.pid,
    sampler: opts.sampler,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  const stderr = readFileSync(`${base}.err`, 'utf8').trim();
  return { run, jsonFile, stderr, toolRssKb: readRss(rssFile) };
}

/** Runs one kamheap walk and reads its snapshot. */
export async function runKamheapWalk(opts: KamheapWalkOptions): Promise<MethodResult> {
  const id = opts.walker === 'bulk' && opts.mode === 'live' ? 'bulk-live' : opts.walker;
  const { run, jsonFile, stderr, toolRssKb } = await measureWalk(opts, `${opts.heap}-${id}`, false);
  if (run.exitCode !== 0) throw new BenchMethodError(id, `kamheap exited with ${run.exitCode ?? run.exitSignal}`, stderr);
  const snapshot = readSnapshot(jsonFile, opts.walker, id);
  if (!snapshot.walk.complete) {
    const findings = snapshot.findings.map((f) => `${f.kind} at ${f.index}: ${f.message}`);
    throw new BenchMethodError(id, 'walk incomplete', findings.join('\n'));
  }
  return {
    id,
    fragments: snapshot.walk.fragmentsWalked,
    wallMs: run.wallMs,
    pauseMs: snapshot.walk.pauseMs,
    observedStop: run.targetStop,
    toolRssKb,
    treeRssKb: run.treeMaxRssKb,
    heapBytes: snapshot.heap.size,
    heapBlock: snapshot.heap.block,
    allocator: snapshot.heap.allocator,
    bytesRead: snapshot.walk.bytesRead,
    walkMs: snapshot.walk.durationMs,
    modules: [...new Set(snapshot.sites.map((s) => s.module))].sort(),
    ...walkExtras(snapshot.walk),
    sampledFragments: null,
  };
}

/** A walk with --fragments: whether it finished, and what it cost, whatever happened. */
export interface FragmentsRun {
  ok: boolean;
  /** Exit code or signal, and the last line of stderr, when it failed. */
  failure: string | null;
  wallMs: number;
  /** kamheap's own peak RSS (kB; null if it died before the preload could write it). */
  toolRssKb: number | null;
  treeRssKb: number | null;
  /** Size of the JSON file written (null if none). */
  jsonBytes: number | null;
  observedStop: StopObservation;
}

/**
 * Runs the walk with --fragments once. A failure (today: "Invalid string length" on a 2 GB heap)
 * is the finding, not an error of the benchmark; the JSON file is not read back (it can be GBs).
 */
export async function runKamheapFragments(opts: KamheapWalkOptions): Promise<FragmentsRun> {
  const { run, jsonFile, stderr, toolRssKb } = await measureWalk(opts, `${opts.heap}-fragments`, true);
  const ok = run.exitCode === 0;
  const lastLine = stderr.split('\n').filter((l) => l.trim() !== '').at(-1) ?? '';
  return {
    ok,
    failure: ok ? null : `exit ${run.exitCode ?? run.exitSignal}: ${lastLine.slice(0, 160)}`,
    wallMs: run.wallMs,
    toolRssKb,
    treeRssKb: run.treeMaxRssKb,
    jsonBytes: existsSync(jsonFile) ? statSync(jsonFile).size : null,
    observedStop: run.targetStop,
  };
}

// The snapshot file, with the few fields the benchmark relies on checked.
function readSnapshot(file: string, walker: Walker, id: MethodResult['id']): Snapshot {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch (error) {
    throw new BenchMethodError(id, `no readable snapshot in ${file}`, (error as Error).message);
  }
  if (snapshot.walk?.walker !== walker || !Number.isInteger(snapshot.walk.fragmentsWalked) || !Array.isArray(snapshot.sites)) {
    throw new BenchMethodError(id, `${file} is not a kamheap snapshot of a ${walker} walk`, '');
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
