// Runs one measured command end to end: wall time from spawn to exit (in this process), the
// peak RSS of the command's process tree (GNU time's %M, or VmHWM sampling when /usr/bin/time is
// missing), and the target's observed stop (the external sampler, started before the command and
// ended after it). Each command gets its own process group so an abort (Ctrl-C, timeout) can end
// it together with anything it started (kamheap's gdb).
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { startStopSampler, type StopObservation, type StopSampler } from './target-stop.js';

export const TIME = process.env.KAMHEAP_BENCH_TIME ?? '/usr/bin/time';

export interface RunSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  stdoutFile: string;
  stderrFile: string;
  /** Scratch file for GNU time's report. */
  timeFile: string;
  /** The Kamailio process whose stop is observed. */
  targetPid: number;
  /** The compiled stop sampler (native.ts). */
  sampler: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface MeasuredRun {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  wallMs: number;
  /** Peak RSS in kB of the largest process of the tree (wait4 rusage folds in reaped children). */
  treeMaxRssKb: number | null;
  rssSource: 'gnu-time' | 'vmhwm-sampling';
  targetStop: StopObservation;
}

const liveGroups = new Set<number>();
const KILL_GRACE_MS = 3_000;

/** True when GNU time can wrap the commands (Debian package `time`). */
export function haveGnuTime(): boolean {
  try {
    accessSync(TIME, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every measured command still running; for process exit, where nothing async runs. */
export function killLiveGroupsNow(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

/** Spawns the command, waits for it to exit, and returns the measurements (never throws on exit codes). */
export async function measureRun(spec: RunSpec): Promise<MeasuredRun> {
  spec.signal.throwIfAborted();
  const gnuTime = haveGnuTime();
  const [file, argv] = gnuTime
    ? [TIME, ['-f', '%M', '-o', spec.timeFile, spec.command, ...spec.args]]
    : [spec.command, [...spec.args]];
  const out = openSync(spec.stdoutFile, 'w');
  const err = openSync(spec.stderrFile, 'w');
  let sampler: StopSampler;
  try {
    sampler = await startStopSampler(spec.sampler, spec.targetPid);
  } catch (error) {
    closeSync(out);
    closeSync(err);
    throw error;
  }
  const started = performance.now();
  const child = spawn(file, argv, { cwd: spec.cwd, env: spec.env ?? process.env, detached: true, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  const hwm = !gnuTime && pgid !== undefined ? sampleVmHwm(pgid) : undefined;
  const stopOnAbort = (): void => {
    if (pgid !== undefined) terminateGroup(pgid);
  };
  spec.signal.addEventListener('abort', stopOnAbort, { once: true });
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    stopOnAbort();
  }, spec.timeoutMs);
  try {
    const [exitCode, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve([code, signal]));
    });
    const wallMs = performance.now() - started;
    const targetStop = await sampler.finish();
    spec.signal.throwIfAborted();
    if (timedOut) throw new Error(`${spec.command} did not finish within ${spec.timeoutMs / 1000} s (killed)`);
    const treeMaxRssKb = gnuTime ? readGnuTimeRss(spec.timeFile) : (hwm?.stop() ?? null);
    return { exitCode, exitSignal, wallMs, treeMaxRssKb, rssSource: gnuTime ? 'gnu-time' : 'vmhwm-sampling', targetStop };
  } finally {
    sampler.kill();
    hwm?.stop();
    clearTimeout(timeout);
    spec.signal.removeEventListener('abort', stopOnAbort);
    if (pgid !== undefined) {
      // Anything the command left behind in its group (it should be nothing) goes too.
      signalGroup(pgid, 'SIGKILL');
      liveGroups.delete(pgid);
    }
  }
}

// SIGTERM first (gdb and kamheap both detach on it), SIGKILL after a grace period.
function terminateGroup(pgid: number): void {
  signalGroup(pgid, 'SIGTERM');
  setTimeout(() => signalGroup(pgid, 'SIGKILL'), KILL_GRACE_MS).unref();
}

// kill(-pgid); a group that is already gone is fine.
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

// GNU time writes "%M" as the last line (after "Command exited with non-zero status N", if any).
function readGnuTimeRss(timeFile: string): number | null {
  const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
  const value = Number(lines.at(-1));
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

// Fallback without GNU time: VmHWM of the direct child every 10 ms (misses only a peak in the last 10 ms).
function sampleVmHwm(pid: number): { stop(): number | null } {
  let peak: number | null = null;
  const read = (): void => {
    try {
      const match = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match?.[1] !== undefined) peak = Math.max(peak ?? 0, Number(match[1]));
    } catch {
      // exited (or a zombie without memory): keep the last reading
    }
  };
  read();
  const timer = setInterval(read, 10);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
