// Everything that can end a run early, in one object: a signal (SIGINT, SIGTERM, SIGHUP), the
// --timeout deadline and the --max-pause limit. Every phase of a run looks at it the same way:
// waits on gdb race against it, long loops call checkpoint(), which also lets a signal handler run.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { KamheapError } from './errors.js';

export type StopReason =
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'timeout'; ms: number }
  | { kind: 'pause-limit'; ms: number; pid: number };

/** How long a synchronous stretch may run before checkpoint() hands the event loop a turn. */
const yieldEveryMs = 25;

export class RunControl {
  private readonly controller = new AbortController();
  private reason: StopReason | undefined;
  private lastYield = performance.now();

  /** Aborted once the run is to stop; for APIs that take an AbortSignal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  /** Asks the run to stop; the first reason wins. */
  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(reason.kind);
  }

  /** The error that ends a stopped run (one line, its own exit code). */
  error(): KamheapError {
    const reason = this.reason;
    if (!reason) return new KamheapError('interrupted', 'interrupted');
    switch (reason.kind) {
      case 'signal':
        return new KamheapError('interrupted', `interrupted by ${reason.signal}; target detached and running`);
      case 'timeout':
        return new KamheapError('timeout', `timed out after ${seconds(reason.ms)} s; target detached and running`);
      case 'pause-limit':
        return new KamheapError(
          'pause-limit',
          `stopped the walk: PID ${reason.pid} had been paused for ${seconds(reason.ms)} s (--max-pause); target detached and running. The bulk walker pauses for milliseconds; --max-pause 0 lifts the limit`,
        );
    }
  }

  throwIfStopped(): void {
    if (this.reason) throw this.error();
  }

  /** In long loops: yields to the event loop every few milliseconds (so signals and timers fire), then throws if stopped. */
  async checkpoint(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield >= yieldEveryMs) {
      await yieldToEventLoop();
      this.lastYield = performance.now();
    }
    this.throwIfStopped();
  }

  /** Settles like `work`, or rejects with the stop error as soon as the run is stopped; `work` itself goes on. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.reason) {
      work.catch(() => undefined);
      return Promise.reject(this.error());
    }
    return new Promise<T>((resolve, reject) => {
      const onStop = (): void => reject(this.error());
      this.controller.signal.addEventListener('abort', onStop, { once: true });
      work.then(
        (value) => {
          this.controller.signal.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.controller.signal.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}
