// When `watch` takes its samples: --interval is a period, start to start. A walk that takes 3 s of
// a 10 s period is followed by a 7 s wait; a walk longer than the period is followed by the next
// at once (never two at a time, never a burst to catch up), and the sample counts as late. The
// clock is injected, so the schedule is tested without waiting.

/** Time as the schedule sees it: milliseconds now, and a wait that an abort ends early. */
export interface ScheduleClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** One sample's place in time. */
export interface SampleTiming {
  /** When its walk started (ms on the clock). */
  startMs: number;
  /** When it was due: the previous start plus the period (its own start, for the first). */
  dueMs: number;
  /** Its walk took this long. */
  walkMs: number;
}

export interface ScheduleResult {
  timings: SampleTiming[];
  /** Samples started after they were due, because the walk before took longer than the period. */
  late: number;
}

/**
 * Runs `take(i)` up to `samples` times, each start one period after the previous one; stops early
 * when `signal` aborts (the sample in hand finishes first: `take` answers to the same signal).
 */
export async function runEveryPeriod(samples: number, periodMs: number, take: (index: number) => Promise<void>, clock: ScheduleClock, signal: AbortSignal): Promise<ScheduleResult> {
  const timings: SampleTiming[] = [];
  let late = 0;
  for (let i = 0; i < samples && !signal.aborted; i++) {
    const previous = timings.at(-1);
    const dueMs = previous === undefined ? clock.now() : previous.startMs + periodMs;
    const waitMs = dueMs - clock.now();
    if (waitMs > 0) await clock.sleep(waitMs, signal);
    else if (previous !== undefined && waitMs < 0) late++;
    if (signal.aborted) break;
    const startMs = clock.now();
    await take(i);
    timings.push({ startMs, dueMs, walkMs: clock.now() - startMs });
  }
  return { timings, late };
}

/** The real clock: wall time from the process's start on a monotonic count (a clock step moves no period), and a timer that an abort clears. */
export const systemClock: ScheduleClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    }),
};
