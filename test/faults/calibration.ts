// How long a plain walk takes on this machine, per walker and heap: the run time (spawn to exit),
// when the attach happens (spawn to TracerPid != 0) and the target's pause. Random moments and
// --timeout values are drawn as fractions of these, so a seed means the same trials everywhere.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { heapArgs, type Heap, type Walker } from './contract.js';
import { waitAttachWindow } from './attach-window.js';
import { startKamheap } from './kamheap-run.js';
import type { TrialPlan } from './trial-plan.js';
import { MARKER_VARIABLE } from './trial-processes.js';

export interface Timing {
  runMs: number;
  attachMs: number;
  pauseMs: number;
}

export type CalibrationKey = `${Walker}-${Heap}`;
export type Calibration = Record<CalibrationKey, Timing>;

const KEYS: readonly CalibrationKey[] = ['bulk-pkg', 'bulk-shm', 'script-pkg', 'script-shm'];

/** Times `runs` plain walks of each kind against `targetPid` (median of each figure). */
export async function calibrate(targetPid: number, runs: number, workDir: string): Promise<Calibration> {
  const result: Partial<Calibration> = {};
  for (const key of KEYS) {
    const [walker, heap] = key.split('-') as [Walker, Heap];
    const samples: Timing[] = [];
    for (let i = 0; i < runs; i++) samples.push(await timeOneWalk(targetPid, walker, heap, workDir));
    result[key] = {
      runMs: median(samples.map((s) => s.runMs)),
      attachMs: median(samples.map((s) => s.attachMs)),
      pauseMs: median(samples.map((s) => s.pauseMs)),
    };
  }
  return result as Calibration;
}

// One undisturbed walk; anything but a clean exit 0 means the harness cannot go on.
async function timeOneWalk(targetPid: number, walker: Walker, heap: Heap, workDir: string): Promise<Timing> {
  const dir = mkdtempSync(join(workDir, 'calibrate-'));
  try {
    const run = startKamheap({
      args: ['walk', String(targetPid), ...heapArgs(heap), '--walker', walker, '--json', '-'],
      env: { TMPDIR: dir, [MARKER_VARIABLE]: `calibrate-${process.pid}` },
      cwd: dir,
    });
    const window = waitAttachWindow(targetPid, run.pid, 20_000);
    const { exit, stdout, stderr } = await run.output;
    if (exit.code !== 0) throw new Error(`calibration walk (${walker} ${heap} of PID ${targetPid}) exited with ${exit.code ?? exit.signal}: ${stderr.trim()}`);
    if (!window.seen) throw new Error(`calibration walk (${walker} ${heap}): attach not seen (${window.why})`);
    const snapshot = JSON.parse(stdout) as { walk: { pauseMs: number | null } };
    return { runMs: exit.at - run.startedAt, attachMs: window.atMs - run.startedAt, pauseMs: snapshot.walk.pauseMs ?? 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** The timing of a trial's walker and heap. */
export function timingOf(calibration: Calibration, plan: Pick<TrialPlan, 'walker' | 'heap'>): Timing {
  return calibration[`${plan.walker}-${plan.heap}`];
}

/**
 * The `--timeout` a trial passes, in seconds (two decimals), or undefined for none. The timeout
 * fault: around the attach (±0.15 s) or spread over 0.05 s .. the run time. SIGSTOP of gdb: 0.5-2 s
 * past twice the moment gdb is stopped, so kamheap must end by itself.
 */
export function timeoutSeconds(plan: TrialPlan, timing: Timing): number | undefined {
  let seconds: number;
  if (plan.fault === 'timeout') {
    seconds = plan.variant === 'attach-window' ? timing.attachMs / 1000 + (plan.at - 0.5) * 0.3 : 0.05 + plan.at * (timing.runMs / 1000 - 0.05);
  } else if (plan.fault === 'SIGSTOP-gdb') {
    // Twice the expected moment: on a loaded machine the attach comes later than calibrated, and
    // a timeout that expires before gdb is stopped would not test what the trial is about.
    const moment = plan.variant === 'attach-window' ? timing.attachMs : Math.max(momentMs(plan, timing), timing.attachMs);
    seconds = (2 * moment) / 1000 + 0.5 + plan.spare * 1.5;
  } else {
    return undefined;
  }
  return Math.max(0.05, Math.round(seconds * 100) / 100);
}

/** The `random` moment: `at` of the run time, from spawn. */
export function momentMs(plan: TrialPlan, timing: Timing): number {
  return plan.at * timing.runMs;
}
