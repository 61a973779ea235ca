// Notices, while kamheap waits on its debugger, that the process it holds has died. A wait on gdb
// would not: when the target is killed inside the attach, gdb 13 answers `-target-attach` with
// `^done`, logs `&"Couldn't get registers: No such process.\n"` and never reports `*stopped`, so
// the wait for the stop ran to the attach deadline (10 s) with nothing left to protect.
import { KamheapError } from '../errors.js';
import { isSameProcessAlive, type ProcessInfo } from './process.js';

/** How often /proc/PID/stat is looked at: one small read, far below a walk's own cost. */
const pollMs = 50;

export class ExitWatch {
  /** Rejects with `target-exited` once the process is gone (exited, a zombie, or its PID reused). */
  readonly exited: Promise<never>;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly target: Pick<ProcessInfo, 'pid' | 'startTime'>) {
    this.exited = new Promise<never>((_, reject) => {
      this.timer = setInterval(() => {
        if (isSameProcessAlive(target)) return;
        this.end();
        reject(new KamheapError('target-exited', `PID ${target.pid} exited during the walk`));
      }, pollMs);
      // The work it watches keeps kamheap alive, not the watch.
      this.timer.unref();
    });
    this.exited.catch(() => undefined);
  }

  /** Settles like `work`, or rejects as soon as the process is gone; `work` itself goes on. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.exited]);
  }

  /** Stops looking (the target was let go). */
  end(): void {
    clearInterval(this.timer);
  }
}
