// Watches the target's scheduler state from outside (/proc/PID/stat, every ~1 ms) while a method
// runs: the span during which it was seen stopped ('t' ptrace stop, 'T' job-control stop) is
// the pause as the target felt it, measured the same way for gdb and for kamheap.
import { readFile } from 'node:fs/promises';
import { processState } from '../testbed/index.js';

export interface StopObservation {
  /** Last stopped sample minus first stopped sample, ms; null if never seen stopped. */
  stoppedMs: number | null;
  /** Largest gap between two samples while fine (first 5 s): the resolution of a short stop. */
  maxGapMs: number;
  samples: number;
  stoppedSamples: number;
}

// 1 ms while a short pause may begin and end; then 10 ms, so a minute-long gdb loop is not
// competing with 60,000 wake-ups on a 2-core machine (0.02% resolution is plenty there).
const FINE_INTERVAL_MS = 1;
const COARSE_INTERVAL_MS = 10;
const FINE_FOR_MS = 5_000;

/** Samples one PID's state on a 1 ms (later 10 ms) timer until `finish()`. */
export class TargetStopSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: number | undefined;
  private last: number | undefined;
  private previous: number | undefined;
  private maxGapMs = 0;
  private samples = 0;
  private stoppedSamples = 0;
  private result: StopObservation | undefined;
  private startedAt = 0;

  constructor(private readonly pid: number) {}

  // Takes the first sample at once, then one per timer tick.
  start(): void {
    this.startedAt = performance.now();
    this.tick();
  }

  // Stops sampling (after one last sample) and returns what was seen; later calls return the same.
  finish(): StopObservation {
    if (this.result) return this.result;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sample();
    const stoppedMs = this.first === undefined || this.last === undefined ? null : this.last - this.first;
    this.result = { stoppedMs, maxGapMs: this.maxGapMs, samples: this.samples, stoppedSamples: this.stoppedSamples };
    return this.result;
  }

  // Samples, then schedules the next tick (finer early on).
  private tick(): void {
    this.sample();
    const fine = performance.now() - this.startedAt < FINE_FOR_MS;
    this.timer = setTimeout(() => this.tick(), fine ? FINE_INTERVAL_MS : COARSE_INTERVAL_MS);
  }

  // One reading of /proc/PID/stat.
  private sample(): void {
    const now = performance.now();
    if (this.previous !== undefined && now - this.startedAt < FINE_FOR_MS) {
      this.maxGapMs = Math.max(this.maxGapMs, now - this.previous);
    }
    this.previous = now;
    this.samples += 1;
    const state = processState(this.pid);
    if (state === 't' || state === 'T') {
      this.first ??= now;
      this.last = now;
      this.stoppedSamples += 1;
    }
  }
}

/** The PID tracing `pid` (TracerPid of /proc/PID/status), 0 if none, undefined if it is gone. */
export async function tracerOf(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^TracerPid:\s*(\d+)/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
