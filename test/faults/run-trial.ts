// One trial, one step after another: a healthy instance, a fresh TMPDIR and output dir, kamheap
// started, the fault injected at its moment, the exit awaited (killed if it hangs), then every
// check of the contract, and the instance restarted if the trial ended or hurt it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { timeoutSeconds, timingOf, type Calibration } from './calibration.js';
import { AFTER_EVERY_TRIAL, CONTRACT, HUNG_AFTER_MS, heapArgs } from './contract.js';
import type { FaultInstance } from './fault-instance.js';
import { injectFault, type Injection } from './inject.js';
import { checkInstance, instanceHealthy, quickHealth } from './instance-checks.js';
import { startKamheap, type KamheapRun } from './kamheap-run.js';
import { startPipeReader, type PipeReader } from './pipe-reader.js';
import type { TrialPlan } from './trial-plan.js';
import { TrialProcesses, type TrialProcess } from './trial-processes.js';
import { exitDeadline, judge, trialNotes, type Failure, type TrialObservation } from './verdict.js';

export interface TrialSetting {
  instance: FaultInstance;
  calibration: Calibration;
  /** Each trial gets a directory under it (kept when the trial fails). */
  workDir: string;
  runId: string;
}

export interface TrialResult {
  plan: TrialPlan;
  observation: TrialObservation;
  failures: Failure[];
  /** What the contract lets pass but a reader should see (trialNotes). */
  notes: string[];
  durationMs: number;
  /** Why the instance was restarted before or after the trial. */
  restarts: string[];
  /** The trial's directory, kept when it failed. */
  keptDir: string | undefined;
}

/** Runs one trial; throws only when the harness itself cannot go on (e.g. Kamailio will not start). */
export async function runTrial(plan: TrialPlan, setting: TrialSetting): Promise<TrialResult> {
  const began = performance.now();
  const { instance, calibration } = setting;
  const restarts: string[] = [];
  const sick = quickHealth(instance);
  if (sick.length > 0) {
    restarts.push(`before: ${sick[0] ?? ''}`);
    await instance.restart(`before #${plan.n}: ${sick.join('; ')}`);
  }
  const timing = timingOf(calibration, plan);
  const targetPid = instance.pidOf(plan.target);
  const dir = mkdtempSync(join(setting.workDir, `trial-${plan.n}-`));
  const tmp = join(dir, 'tmp');
  const out = join(dir, 'out');
  mkdirSync(tmp);
  mkdirSync(out);
  const timeoutSec = timeoutSeconds(plan, timing);
  const processes = new TrialProcesses(`${setting.runId}:${plan.n}`);
  const logOffset = instance.logOffset();

  const { run, pipe } = start(plan, { targetPid, timeoutSec, tmp, out, dir, processes });
  const live = { run, processes, pipe };
  liveTrials.add(live);
  const scanner = setInterval(() => processes.scan(), 25);
  let injection: Injection = { injected: false, note: '' };
  let hung = false;
  try {
    const watchdog = watch(run, () => (hung = true));
    watchdog.until(run.startedAt + Math.max(3 * timing.runMs + 5000, (timeoutSec ?? 0) * 1000 + 1000) + HUNG_AFTER_MS);
    injection = await injectFault({ plan, run, targetPid, timing, processes });
    const deadline = exitDeadline({ plan, injection, startedAt: run.startedAt, timeoutSec });
    if (deadline !== undefined) watchdog.until(deadline + HUNG_AFTER_MS);
    const exit = await run.exit;
    watchdog.stop();
    clearInterval(scanner);

    // The windows open when kamheap is gone: its exit, or the SIGKILL that ended it.
    const gone = plan.fault === 'SIGKILL-kamheap' && injection.at !== undefined ? Math.min(injection.at, exit.at) : exit.at;
    const survives = CONTRACT[plan.fault].instanceSurvives;
    const [leftovers, findings, { stdout, stderr }] = await Promise.all([
      leftoversAfter(processes, gone + AFTER_EVERY_TRIAL.leftoversGoneWithinMs),
      survives ? checkInstance(instance, gone, gone + AFTER_EVERY_TRIAL.runningWithinMs, logOffset) : Promise.resolve(undefined),
      run.output,
    ]);
    const observation: TrialObservation = {
      plan,
      targetPid,
      timeoutSec,
      startedAt: run.startedAt,
      injection,
      exit,
      hung,
      stdout,
      stderr,
      outputFile: plan.output === 'json-file' ? readIfExists(join(out, 'snapshot.json')) : undefined,
      instance: findings,
      leftovers,
      tempFiles: [tmp, out].flatMap((d) => readdirSync(d).filter((f) => AFTER_EVERY_TRIAL.tempFile.test(f)).map((f) => join(d, f))),
    };
    const failures = judge(observation);
    // Kamailio's side of a failed trial, kept with the trial's files (its log goes with a restart).
    if (failures.length > 0) writeFileSync(join(dir, 'kamailio-during-trial.log'), `${instance.logSince(logOffset).join('\n')}\n`);

    // Clean up after recording: the next trial starts from a healthy instance with nothing of ours left.
    const killed = processes.killLeftovers();
    if (!survives) restarts.push(`after: the fault ends the instance`);
    else if (findings && !instanceHealthy(findings)) restarts.push('after: the instance was hurt');
    else if (killed.length > 0) restarts.push(`after: killed ${killed.length} leftover process(es)`);
    if (restarts.some((r) => r.startsWith('after'))) await instance.restart(`after #${plan.n}: ${restarts.at(-1) ?? ''}`);
    const keptDir = failures.length > 0 ? dir : undefined;
    if (!keptDir) rmSync(dir, { recursive: true, force: true });
    return { plan, observation, failures, notes: trialNotes(observation), durationMs: performance.now() - began, restarts, keptDir };
  } finally {
    clearInterval(scanner);
    killTrialNow(live);
    liveTrials.delete(live);
    await pipe?.done;
  }
}

interface StartInputs {
  targetPid: number;
  timeoutSec: number | undefined;
  tmp: string;
  out: string;
  dir: string;
  processes: TrialProcesses;
}

// kamheap with the trial's arguments; for pipe-closed, its stdout is a FIFO read by `head -c N`.
function start(plan: TrialPlan, s: StartInputs): { run: KamheapRun; pipe: PipeReader | undefined } {
  const args = ['walk', String(s.targetPid), ...heapArgs(plan.heap), '--walker', plan.walker];
  if (s.timeoutSec !== undefined) args.push('--timeout', s.timeoutSec.toFixed(2));
  args.push('--json', plan.output === 'json-stdout' ? '-' : join(s.out, 'snapshot.json'));
  // A snapshot with every fragment is megabytes: far past what the pipe holds, so the reader's exit is met.
  if (plan.variant === 'after-bytes') args.push('--fragments');
  const pipe = plan.fault === 'pipe-closed' ? startPipeReader(s.dir, pipeBytes(plan)) : undefined;
  const [name, value] = s.processes.envEntry;
  try {
    const run = startKamheap({ args, env: { TMPDIR: s.tmp, [name]: value }, cwd: s.out, ...(pipe ? { stdoutFd: pipe.writeFd } : {}) });
    s.processes.setRoot(run.pid);
    return { run, pipe };
  } finally {
    pipe?.closeOurEnds();
  }
}

/** How many bytes the pipe's reader takes before it exits: 0, or 1..4096. */
export function pipeBytes(plan: TrialPlan): number {
  return plan.variant === 'before-output' ? 0 : 1 + Math.floor(plan.spare * 4096);
}

// SIGKILLs kamheap once the current deadline passes; the deadline moves once the fault is injected.
function watch(run: KamheapRun, onHung: () => void): { until(at: number): void; stop(): void } {
  let deadline = Infinity;
  const timer = setInterval(() => {
    if (performance.now() < deadline || run.exited()) return;
    onHung();
    clearInterval(timer);
    try {
      process.kill(run.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }, 50);
  return {
    until: (at) => (deadline = at),
    stop: () => clearInterval(timer),
  };
}

// Polls until none of kamheap's processes is left or the window closes; returns what is left.
async function leftoversAfter(processes: TrialProcesses, until: number): Promise<TrialProcess[]> {
  for (;;) {
    const left = processes.leftovers();
    if (left.length === 0 || performance.now() >= until) return left;
    await sleep(20);
  }
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

// Everything a trial started, so Ctrl-C or a harness error never leaves a kamheap, gdb or reader.
interface LiveTrial {
  run: KamheapRun;
  processes: TrialProcesses;
  pipe: PipeReader | undefined;
}
const liveTrials = new Set<LiveTrial>();

function killTrialNow(t: LiveTrial): void {
  if (!t.run.exited()) {
    try {
      process.kill(t.run.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  t.processes.killLeftovers();
  t.pipe?.head.kill('SIGKILL');
}

/** Synchronous: for signal handlers and process exit. */
export function killLiveTrialsNow(): void {
  for (const t of liveTrials) killTrialNow(t);
}
