// The lifecycle that keeps production safe, as explicit steps: open (check the process, start gdb
// and its guard, load the executable), then for each target attach, the caller's reads, detach;
// close. One session can serve several processes of the same executable (walk --all), one at a
// time. Whatever happens (an error, a signal, --timeout, --max-pause, gdb hung or dead, kamheap
// itself killed) every target ends detached and running:
// - nothing ever interrupts gdb: a stop request lets the step in flight finish for a moment (an
//   attach included: a SIGINT reaching gdb there is passed on to the target and kills Kamailio),
//   then detaches; if gdb cannot, its process group is killed and the kernel detaches it;
// - the guard (gdb-guard.ts) is told of each attach and detach; it resumes a target that a killed
//   attach left in a job-control stop, and does the same when kamheap dies;
// - gdb attaches a process only while it holds none (else its attach would kill that one first);
// - close() checks every target afterwards: still there, not stopped, not traced.
import { KamheapError } from '../errors.js';
import { ExitWatch } from '../proc/exit-watch.js';
import { assertNotTraced, inspectTarget, isSameProcessAlive, processState, type ProcessInfo } from '../proc/process.js';
import { hostProcView } from '../proc/proc-view.js';
import type { RunControl } from '../run-control.js';
import type { Debugger, DebuggerName } from '../debugger/debugger.js';
import { startDebugger } from '../debugger/start-debugger.js';
import { GdbPipeError, GdbTimeoutError } from './gdb-errors.js';
import { GdbGuard } from './gdb-guard.js';
import { defaultLimits, type SessionLimits } from './session-limits.js';

/** How long one attach kept the target stopped, and what the attach and the detach took of it (ms). */
export interface PauseTiming {
  /** From the attach request to the detach answer: the target was stopped within this span. */
  pauseMs: number;
  /** From the attach request until gdb reported the target stopped. */
  attachMs: number;
  /** From the detach request until gdb answered it. */
  detachMs: number;
}

export interface TargetSessionOptions {
  /** The process whose executable gdb loads, and the target attach() takes by default. */
  pid: number;
  control: RunControl;
  gdbPath?: string;
  /** Which debugger, over which protocol (default gdb-mi): every one keeps the same lifecycle. */
  debugger?: DebuggerName;
  /** Longest a target may stay stopped, in ms, each attach on its own; undefined or 0: no limit. */
  maxPauseMs?: number;
  /** The start time the caller saw for this PID (walk --all: from the checked process table): another process under the same PID is refused. */
  startTime?: number;
  limits?: Partial<SessionLimits>;
  /**
   * gdb evaluates expressions in the stopped target (the script walker): it then needs the
   * executable's symbols relocated at the attach. Otherwise gdb only stops and resumes the target
   * and runs without an OS ABI (gdb-launch.ts, `stopOnlySettings`), which makes both much faster.
   */
  gdbReadsTarget?: boolean;
}

/** One attach: which process, and the times of its steps (performance.now()). */
interface TargetStop {
  target: ProcessInfo;
  /** Only a target that was running may be resumed by the guard, and must be running afterwards. */
  wasRunning: boolean;
  requested: number;
  stopped?: number;
  detachRequested?: number;
  /** Set once gdb confirmed the detach. */
  released?: number;
  pauseTimer?: NodeJS.Timeout;
  /** Until the release: a wait on gdb ends as soon as the target dies (gdb may never say so). */
  watch?: ExitWatch;
}

export class TargetSession {
  readonly limits: SessionLimits;
  private inFlight: Promise<unknown> = Promise.resolve();
  private gdbHung = false;
  private closed = false;
  /** Every attach of this session, the last one (current or most recent) at the end. */
  private readonly stops: TargetStop[] = [];

  private constructor(
    /** The process the session was opened for, whose executable gdb holds. */
    readonly target: ProcessInfo,
    readonly gdb: Debugger,
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
    const target = inspectTarget(options.pid, options.startTime);
    assertNotTraced(options.pid);
    const gdb = await startDebugger(options.debugger ?? 'gdb-mi', options.gdbPath);
    const guard = GdbGuard.start(gdb.pid);
    const session = new TargetSession(target, gdb, guard, control, options.maxPauseMs ?? 0, options.limits ?? {});
    try {
      const { commandMs } = session.limits;
      await session.command((g) => g.loadExecutable(target.pid, options.gdbReadsTarget ? 'evaluate-in-target' : 'stop', commandMs));
    } catch (error) {
      throw await session.closeAfterFailure(error);
    }
    return session;
  }

  get pid(): number {
    return this.target.pid;
  }

  /**
   * False once the session is closed (by close(), or by a failure gdb could not be trusted after),
   * and once its debugger has let go of a target and cannot attach again (a DAP adapter).
   */
  get usable(): boolean {
    return !this.closed && (this.stops.length === 0 || this.gdb.reattachable);
  }

  /**
   * Runs one step on gdb under its own deadline; a stop request abandons it (gdb is never
   * interrupted), and so does the death of the target held.
   */
  command<T>(step: (gdb: Debugger) => Promise<T>): Promise<T> {
    this.control.throwIfStopped();
    const work = step(this.gdb).catch((error: unknown) => {
      if (error instanceof GdbTimeoutError) this.gdbHung = true;
      throw error;
    });
    this.inFlight = work.catch(() => undefined);
    const watch = this.attached ? this.current?.watch : undefined;
    return this.control.race(watch ? watch.race(work) : work);
  }

  /**
   * Stops `target` (by default the process the session was opened for; another one must run the
   * same executable). From here until detach() the --max-pause clock runs.
   */
  async attach(target: ProcessInfo = this.target): Promise<void> {
    this.control.throwIfStopped();
    if (this.closed) throw new Error(`attach: the session is closed`);
    if (this.attached) throw new Error(`attach: PID ${this.current?.target.pid ?? '?'} is still attached`);
    // Still the process the caller checked: a PID reused meanwhile is never attached.
    if (!isSameProcessAlive(target)) throw new KamheapError('target-exited', `PID ${target.pid} exited before it was attached`);
    if (target.pid !== this.target.pid) this.assertSameExecutable(target.pid);
    assertNotTraced(target.pid);
    if (this.stops.length > 0) await this.assertHoldsNothing();
    const state = processState(target.pid);
    const stop: TargetStop = { target, wasRunning: state !== 'T' && state !== 't', requested: 0 };
    // The guard learns of the attach before gdb acts, so it can settle the target if kamheap dies.
    await this.guard.announceAttach(target.pid, stop.wasRunning);
    this.stops.push(stop);
    stop.requested = performance.now();
    stop.watch = new ExitWatch(target);
    if (this.maxPauseMs > 0) {
      stop.pauseTimer = setTimeout(() => this.control.stop({ kind: 'pause-limit', ms: this.maxPauseMs, pid: target.pid }), this.maxPauseMs);
    }
    // Marked stopped by the work itself: a stop request abandons the wait, not the attach, which may still complete.
    await this.command(async (gdb) => {
      await gdb.attach(target.pid, this.limits.attachMs);
      stop.stopped = performance.now();
    });
  }

  /** Lets the target run again; returns how long it was stopped, and what the attach and the detach took of that. */
  async detach(): Promise<PauseTiming> {
    const stop = this.current;
    if (!stop || !this.attached) throw new Error('detach: nothing is attached');
    stop.detachRequested = performance.now();
    await this.command((gdb) => gdb.detach(this.limits.detachMs));
    released(stop);
    await this.guard.announceDetached();
    const end = stop.released ?? stop.detachRequested;
    return { pauseMs: end - stop.requested, attachMs: (stop.stopped ?? stop.requested) - stop.requested, detachMs: end - stop.detachRequested };
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

  /**
   * After a failure in one target's steps, when the caller goes on with other targets (walk
   * --all): lets that target go and returns what the user must hear, as closeAfter() does. The
   * session stays open only when gdb is sound and holds nothing: the target was never attached,
   * or gdb confirmed its detach; else (a stop request, gdb hung or gone, an attach gdb refused, a
   * detach it did not confirm) it is closed: gdb's group killed, the guard settling the target.
   */
  async releaseAfterFailure(target: ProcessInfo, error: unknown): Promise<unknown> {
    if (this.attached) await this.detachForClose();
    if (!this.attached && !this.gdbHung && this.gdb.alive && !this.control.stopped) return this.reportedError(error, target);
    return this.closeAfterFailure(error, target);
  }

  /** Ends the session: detach if still attached, end gdb (killing its group if need be), let the guard settle the target, check every target. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.attached) await this.detachForClose();
    // Still attached now means gdb did not answer in time: no grace for an exit it would not answer either.
    await this.gdb.close(this.attached || this.gdbHung ? 0 : this.control.stopped ? this.limits.stopGraceMs : undefined);
    await this.guard.finish(3000);
    for (const stop of this.stops) ended(stop);
    this.checkLeftRunning();
  }

  /** The attach in progress or the last one made. */
  private get current(): TargetStop | undefined {
    return this.stops.at(-1);
  }

  /** Between an attach request and a detach that gdb confirmed. */
  private get attached(): boolean {
    const stop = this.current;
    return stop !== undefined && stop.released === undefined;
  }

  /** The process the session was opened for exited (or was replaced under its PID) since. */
  get targetGone(): boolean {
    return !isSameProcessAlive(this.target);
  }

  // gdb holds the executable of the process it was opened for; another process's symbols would not fit.
  private assertSameExecutable(pid: number): void {
    const mine = hostProcView.executable(this.target.pid);
    const theirs = hostProcView.executable(pid);
    if (!mine || !theirs || mine.dev !== theirs.dev || mine.ino !== theirs.ino) {
      throw new KamheapError('target-exited', `PID ${pid} no longer runs the executable of PID ${this.target.pid}`);
    }
  }

  // Before a second attach: gdb must hold no process, or its attach would kill that one first.
  private async assertHoldsNothing(): Promise<void> {
    const held = await this.command((gdb) => gdb.heldPids(this.limits.commandMs));
    if (held.length > 0) throw new KamheapError('gdb-failed', `gdb still holds PID ${held.join(', ')}: not attaching another process with it`);
  }

  // The step in flight (maybe the attach itself) gets a moment to finish, then one detach; when
  // gdb is hung or does not answer in time, gdb.close() kills it, which detaches just as well.
  // A dead target has nothing to detach: gdb, which may still be waiting on it, is simply ended.
  private async detachForClose(): Promise<void> {
    const stop = this.current;
    if (!stop || !this.gdb.alive || this.gdbHung || !isSameProcessAlive(stop.target)) return;
    const stopped = this.control.stopped;
    if (!(await settledWithin(this.inFlight, stopped ? this.limits.stopSettleMs : this.limits.detachMs))) return;
    // gdb refused the attach: it holds nothing to detach, but that is only trusted with gdb gone.
    if (stop.stopped === undefined) return;
    const graceMs = stopped ? this.limits.stopGraceMs : this.limits.detachMs;
    try {
      await this.gdb.detach(graceMs);
      released(stop);
      await this.guard.announceDetached();
    } catch {
      // gdb lost the target (it exited) or is stuck: gdb.close() deals with both
    }
  }

  // After gdb and the guard are gone: each target that was running must be running again.
  private checkLeftRunning(): void {
    for (const { target, wasRunning } of this.stops) {
      if (!wasRunning || !isSameProcessAlive(target)) continue;
      const state = processState(target.pid);
      if (state === 'T' || state === 't') {
        throw new KamheapError('gdb-failed', `PID ${target.pid} was left stopped (state ${state}) after gdb ended: resume it with kill -CONT ${target.pid}`);
      }
    }
  }

  // Closes, then tells the user the one thing that matters most about how the run ended.
  private async closeAfterFailure(error: unknown, target = this.current?.target ?? this.target): Promise<unknown> {
    try {
      await this.close();
    } catch (closeError) {
      return closeError;
    }
    return this.reportedError(error, target);
  }

  // What the user must hear of a failure of `target`'s steps: it exited, the run was stopped, gdb was ended, or the error itself.
  private reportedError(error: unknown, target: ProcessInfo): unknown {
    if (!isSameProcessAlive(target)) return new KamheapError('target-exited', `PID ${target.pid} exited during the walk`, { cause: error });
    if (this.control.stopped) return this.control.error();
    const wasAttached = this.stops.some((stop) => stop.target === target);
    if ((error instanceof GdbTimeoutError || error instanceof GdbPipeError) && wasAttached) {
      return new KamheapError(error.kind, `${error.message}; gdb was ended, target detached and running`, { cause: error });
    }
    return error;
  }
}

function released(stop: TargetStop): void {
  stop.released = performance.now();
  ended(stop);
}

// The timers that only mean something while the target is held.
function ended(stop: TargetStop): void {
  clearTimeout(stop.pauseTimer);
  stop.watch?.end();
}

/** True when `work` settled within `ms`. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}
