// How long each step of a target session may take, and how long a stopped run waits before it
// kills gdb (target-session.ts).

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

export const defaultLimits: SessionLimits = { commandMs: 30_000, attachMs: 10_000, detachMs: 2_000, stopSettleMs: 500, stopGraceMs: 250 };
