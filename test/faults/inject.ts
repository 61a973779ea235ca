// Injects a trial's fault at its moment: a signal to kamheap, to its gdb or to the target. The
// `timeout` and `pipe-closed` faults are set up at spawn (an option, a pipe reader) instead.
import { setTimeout as sleep } from 'node:timers/promises';
import { waitAttachWindow } from './attach-window.js';
import { momentMs, type Timing } from './calibration.js';
import type { KamheapRun } from './kamheap-run.js';
import { readStat } from './proc-facts.js';
import type { TrialPlan } from './trial-plan.js';
import type { TrialProcesses } from './trial-processes.js';

export interface Injection {
  injected: boolean;
  /** performance.now() right after the signal was sent. */
  at?: number;
  /** What was done, or why nothing was: "SIGSTOP to gdb 4711 at 0.84 s (attach window)". */
  note: string;
}

export interface InjectContext {
  plan: TrialPlan;
  run: KamheapRun;
  targetPid: number;
  timing: Timing;
  processes: TrialProcesses;
}

type Moment = { reached: true; tracer?: number } | { reached: false; why: string };

/** Waits for the trial's moment, then injects; never throws for a process that is gone. */
export async function injectFault(ctx: InjectContext): Promise<Injection> {
  const { plan, run } = ctx;
  if (plan.fault === 'timeout' || plan.fault === 'pipe-closed') return { injected: true, note: '' };
  const moment = await reachMoment(ctx);
  if (!moment.reached) return { injected: false, note: `not injected: ${moment.why}` };
  switch (plan.fault) {
    case 'SIGINT':
    case 'SIGTERM':
      return signal(run.pid, plan.fault, 'kamheap', run);
    case 'SIGKILL-kamheap':
      return signal(run.pid, 'SIGKILL', 'kamheap', run);
    case 'target-killed':
      return signal(ctx.targetPid, 'SIGKILL', `target ${ctx.targetPid}`, run);
    case 'SIGKILL-gdb':
    case 'SIGSTOP-gdb': {
      const gdb = await findGdb(ctx, moment.tracer);
      if (gdb === undefined) return { injected: false, note: 'not injected: no gdb of this run at or after the moment' };
      return signal(gdb, plan.fault === 'SIGKILL-gdb' ? 'SIGKILL' : 'SIGSTOP', `gdb ${gdb}`, run);
    }
  }
}

// The moment of the plan's variant, unless kamheap exits first.
async function reachMoment(ctx: InjectContext): Promise<Moment> {
  const { plan, run, timing } = ctx;
  if (plan.variant === 'random') {
    const wait = run.startedAt + momentMs(plan, timing) - performance.now();
    if (wait > 0) await Promise.race([sleep(wait), run.output]);
    return run.exited() ? { reached: false, why: 'kamheap had already exited' } : { reached: true };
  }
  // attach-window, mid-pause: bounded well past the calibrated attach (a loaded machine is slow).
  const window = waitAttachWindow(ctx.targetPid, run.pid, 5000 + 3 * timing.attachMs);
  if (!window.seen) return { reached: false, why: `attach window not seen (${window.why})` };
  if (plan.variant === 'mid-pause') {
    await Promise.race([sleep(plan.at * timing.pauseMs), run.output]);
    if (run.exited()) return { reached: false, why: 'kamheap had already exited' };
  }
  return { reached: true, tracer: window.tracer };
}

// The gdb to signal: the target's tracer when it is this run's gdb, else this run's live gdb,
// waiting for one to appear while kamheap runs (a moment before gdb's start means its start).
async function findGdb(ctx: InjectContext, tracer: number | undefined): Promise<number | undefined> {
  if (tracer !== undefined && ctx.processes.isOurs(tracer)) return tracer;
  for (;;) {
    const gdb = ctx.processes.gdb();
    if (gdb !== undefined) return gdb.pid;
    if (ctx.run.exited()) return undefined;
    await sleep(5);
  }
}

// Sends the signal and says when, relative to kamheap's start. A zombie has already exited (its
// parent has not reaped it yet): signalling it would change nothing, so that is "not injected".
function signal(pid: number, name: NodeJS.Signals, who: string, run: KamheapRun): Injection {
  const state = readStat(pid)?.state;
  if (state === undefined || state === 'Z' || state === 'X') return { injected: false, note: `not injected: ${who} had already exited` };
  try {
    process.kill(pid, name);
  } catch {
    return { injected: false, note: `not injected: ${who} was gone` };
  }
  const at = performance.now();
  return { injected: true, at, note: `${name} to ${who} at ${((at - run.startedAt) / 1000).toFixed(2)} s` };
}
