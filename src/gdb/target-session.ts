// The lifecycle that keeps production safe, as explicit steps: open (check the process, start gdb
// and its guard, load the executable), attach, the caller's reads, detach, close. Whatever happens
// (an error, a signal, --timeout, --max-pause, gdb hung or dead, kamheap itself killed) the target
// ends detached and running:
// - nothing ever interrupts gdb: a stop request lets the step in flight finish for a moment (an
//   attach included: a SIGINT reaching gdb there is passed on to the target and kills Kamailio),
//   then detaches; if gdb cannot, its process group is killed and the kernel detaches it;
// - the guard (gdb-guard.ts) resumes a target that a killed attach left in a job-control stop, and
//   does the same when kamheap dies;
// - close() checks the target afterwards: still there, not stopped, not traced.
import { KamheapError } from '../errors.js';
import { assertNotTraced, inspectProcess, isSameProcessAlive, processState, type ProcessInfo } from '../proc/process.js';
import type { RunControl } from '../run-control.js';
import { sendDebugFileDirectory, sendFileExecAndSymbols, sendGdbSet, sendTargetAttach, sendTargetDetach } from './commands.js';
import { GdbPipeError, GdbTimeoutError } from './gdb-errors.js';
import { GdbGuard } from './gdb-guard.js';
import { afterLoadSettings } from './gdb-launch.js';
import { GdbSession } from './gdb-session.js';

/** Deadlines of the steps, and how long a stopped run waits before it kills gdb. */
export interface SessionLimits {
  /** Loading the executable and its debug info, symbol and type lookups (before any attach). */
  commandMs: number;
  attachMs: number;
  detachMs: number;
  /**
   * A stopped run lets the step in flight finish for this long. It is most often the attach
   * itself (tens of ms): gdb killed inside it can leave the attach's SIGSTOP pending, and the
   * target then goes through a job-control stop that the guard has to end (Kamailio notices).
   */
  stopSettleMs: number;
  /** Then the detach, and gdb's exit, get this long each. */
  stopGraceMs: number;
}

/** How long one attach kept the target stopped, and what the attach and the detach took of it (ms). */
export interface PauseTiming {
  /** From the attach request to the detach answer: the target was stopped within this span. */
  pauseMs: number;
  /** From the attach request until gdb reported the target stopped. */
  attachMs: number;
  /** From the detach request until gdb answered it. */
  detachMs: number;
}

export const defaultLimits: SessionLimits = { commandMs: 30_000, attachMs: 10_000, detachMs: 2_000, stopSettleMs: 500, stopGraceMs: 250 };

export interface TargetSessionOptions {
  pid: number;
  control: RunControl;
  gdbPath?: string;
  /** Longest the target may stay stopped, in ms; undefined or 0: no limit. */
  maxPauseMs?: number;
  /** The start time the caller saw for this PID (walk --all: from the checked process table): another process under the same PID is refused. */
  startTime?: number;
  limits?: Partial<SessionLimits>;
}

export class TargetSession {
  readonly limits: SessionLimits;
  private inFlight: Promise<unknown> = Promise.resolve();
  private gdbHung = false;
  private pauseStart: number | undefined;
  private attachEnd: number | undefined;
  private detachStart: number | undefined;
  private pauseEnd: number | undefined;
  private wasRunning = true;
  private pauseTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly target: ProcessInfo,
    readonly gdb: GdbSession,
    private readonly guard: GdbGuard,
    private readonly control: RunControl,
    private readonly maxPauseMs: number,
    limits: Partial<SessionLimits>,
  ) {
    this.limits = { ...defaultLimits, ...limits };
  }

  /**
   * Checks the process (exists, not held by another debugger), starts gdb and its guard, and loads
   * the executable with its own debug info: all before anything is stopped.
   */
  static async open(options: TargetSessionOptions): Promise<TargetSession> {
    const { control } = options;
    control.throwIfStopped();
    const target = inspectProcess(options.pid);
    if (options.startTime !== undefined && target.startTime !== options.startTime) {
      throw new KamheapError('target-exited', `PID ${options.pid} exited (the PID now belongs to another process)`);
    }
    assertNotTraced(options.pid);
    const gdb = await GdbSession.start(options.gdbPath === undefined ? {} : { gdbPath: options.gdbPath });
    const guard = GdbGuard.start(gdb.pid);
    const session = new TargetSession(target, gdb, guard, control, options.maxPauseMs ?? 0, options.limits ?? {});
    try {
      const { commandMs } = session.limits;
      await session.command((g) => sendDebugFileDirectory(g, target.pid, commandMs));
      await session.command((g) => sendFileExecAndSymbols(g, target.pid, commandMs));
      for (const setting of afterLoadSettings) await session.command((g) => sendGdbSet(g, setting, commandMs));
    } catch (error) {
      throw await session.closeAfterFailure(error);
    }
    return session;
  }

  get pid(): number {
    return this.target.pid;
  }

  /** Runs one step on gdb under its own deadline; a stop request abandons it (gdb is never interrupted). */
  command<T>(step: (gdb: GdbSession) => Promise<T>): Promise<T> {
    this.control.throwIfStopped();
    const work = step(this.gdb).catch((error: unknown) => {
      if (error instanceof GdbTimeoutError) this.gdbHung = true;
      throw error;
    });
    this.inFlight = work.catch(() => undefined);
    return this.control.race(work);
  }

  /** Stops the target. From here until detach() the --max-pause clock runs. */
  async attach(): Promise<void> {
    this.control.throwIfStopped();
    // Still the process the session was opened for: a PID reused meanwhile is never attached.
    if (this.targetGone) throw new KamheapError('target-exited', `PID ${this.pid} exited before it was attached`);
    const state = processState(this.pid);
    this.wasRunning = state !== 'T' && state !== 't';
    // The guard learns of the attach before gdb acts, so it can settle the target if kamheap dies.
    await this.guard.announceAttach(this.pid, this.wasRunning);
    this.pauseStart = performance.now();
    if (this.maxPauseMs > 0) {
      this.pauseTimer = setTimeout(() => this.control.stop({ kind: 'pause-limit', ms: this.maxPauseMs, pid: this.pid }), this.maxPauseMs);
    }
    await this.command((gdb) => sendTargetAttach(gdb, this.pid, this.limits.attachMs));
    this.attachEnd = performance.now();
  }

  /** Lets the target run again; returns how long it was stopped, and what the attach and the detach took of that. */
  async detach(): Promise<PauseTiming> {
    this.detachStart = performance.now();
    await this.command((gdb) => sendTargetDetach(gdb, this.limits.detachMs));
    this.released();
    await this.guard.announceDetached();
    const start = this.pauseStart ?? 0;
    const end = this.pauseEnd ?? 0;
    return { pauseMs: end - start, attachMs: (this.attachEnd ?? start) - start, detachMs: end - this.detachStart };
  }

  /**
   * Runs the caller's steps and closes the session whatever happens. An error comes out as what
   * the user must hear: the target exited, the run was stopped (signal, --timeout, --max-pause),
   * or the original error; and if the target could not be left running, that above all.
   */
  async closeAfter<T>(steps: () => Promise<T>): Promise<T> {
    let value: T;
    try {
      value = await steps();
    } catch (error) {
      throw await this.closeAfterFailure(error);
    }
    await this.close();
    return value;
  }

  /** Ends the session: detach if still attached, end gdb (killing its group if need be), let the guard settle the target, check it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.attached) await this.detachForClose();
    // Still attached now means gdb did not answer in time: no grace for an exit it would not answer either.
    await this.gdb.close(this.attached || this.gdbHung ? 0 : this.control.stopped ? this.limits.stopGraceMs : undefined);
    await this.guard.finish(3000);
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.checkLeftRunning();
  }

  /** Between the attach request and a detach that gdb confirmed. */
  private get attached(): boolean {
    return this.pauseStart !== undefined && this.pauseEnd === undefined;
  }

  /** The target exited (or was replaced under its PID) since the session opened. */
  get targetGone(): boolean {
    return !isSameProcessAlive(this.target);
  }

  // The step in flight (maybe the attach itself) gets a moment to finish, then one detach; when
  // gdb is hung or does not answer in time, gdb.close() kills it, which detaches just as well.
  private async detachForClose(): Promise<void> {
    if (!this.gdb.alive || this.gdbHung) return;
    const stopped = this.control.stopped;
    if (!(await settledWithin(this.inFlight, stopped ? this.limits.stopSettleMs : this.limits.detachMs))) return;
    const graceMs = stopped ? this.limits.stopGraceMs : this.limits.detachMs;
    try {
      await sendTargetDetach(this.gdb, graceMs);
      this.released();
    } catch {
      // not attached after all (the attach failed), or gdb is stuck: gdb.close() deals with both
    }
  }

  private released(): void {
    this.pauseEnd = performance.now();
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
  }

  // After gdb and the guard are gone: a target that was running must be running again.
  private checkLeftRunning(): void {
    if (!this.wasRunning || this.targetGone) return;
    const state = processState(this.pid);
    if (state === 'T' || state === 't') {
      throw new KamheapError('gdb-failed', `PID ${this.pid} was left stopped (state ${state}) after gdb ended: resume it with kill -CONT ${this.pid}`);
    }
  }

  // Closes, then tells the user the one thing that matters most about how the run ended.
  private async closeAfterFailure(error: unknown): Promise<unknown> {
    try {
      await this.close();
    } catch (closeError) {
      return closeError;
    }
    if (this.targetGone) return new KamheapError('target-exited', `PID ${this.pid} exited during the walk`, { cause: error });
    if (this.control.stopped) return this.control.error();
    if ((error instanceof GdbTimeoutError || error instanceof GdbPipeError) && this.pauseStart !== undefined) {
      return new KamheapError(error.kind, `${error.message}; gdb was ended, target detached and running`, { cause: error });
    }
    return error;
  }
}

/** True when `work` settled within `ms`. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}
