// The rhythm of `kamheap serve`: a round of reads every INTERVAL, start to start (a round that takes
// longer is followed at once by the next), whatever Prometheus does; each completed round replaces
// the sample scrapes are answered from. The first round must succeed (a wrong PID, no permission,
// no gdb: said at once); a later failure is counted and logged, and the last sample stays served,
// with the time it was taken. The loop ends when the run is stopped or the served process is gone.
import { setTimeout as sleep } from 'node:timers/promises';
import { KamheapError } from '../errors.js';
import { printable } from '../export/printable.js';
import { isSameProcessAlive, type ProcessInfo } from '../proc/process.js';
import type { RunControl } from '../run-control.js';
import type { ServeSample } from './serve-sample.js';
import type { ServeState } from './serve-metrics.js';
import type { HeapKind } from '../heap/heap-nouns.js';

export interface LoopOptions {
  target: Pick<ProcessInfo, 'pid' | 'startTime'>;
  intervalMs: number;
  control: RunControl;
  take: () => Promise<ServeSample>;
  /** The heaps a round reads: a round that fails as a whole counts one error for each. */
  heaps: readonly HeapKind[];
  log: (line: string) => void;
}

/** Takes rounds into `state` until the run is stopped (returns) or the target is gone (throws). */
export async function runSampleLoop(state: ServeState, options: LoopOptions): Promise<void> {
  const { control, intervalMs, log } = options;
  while (!control.stopped) {
    const started = Date.now();
    try {
      const sample = await options.take();
      state.sample = sample;
      state.lastSuccessMs = sample.takenAtMs;
      for (const f of sample.failures) {
        state.walkErrors[f.heap] += 1;
        log(`${f.heap} heap of PID ${f.pid} not read: ${f.message}`);
      }
    } catch (error) {
      if (control.stopped) return;
      if (!isSameProcessAlive(options.target)) throw new KamheapError('target-exited', `PID ${options.target.pid} exited; serve ends`, { cause: error });
      if (state.sample === undefined) throw error;
      for (const heap of options.heaps) state.walkErrors[heap] += 1;
      const message = error instanceof KamheapError ? error.message : String(error);
      log(`walk failed: ${message}; still serving the sample of ${new Date(state.sample.takenAtMs).toISOString()}`);
    }
    const wait = started + intervalMs - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: control.signal }).catch(() => undefined);
  }
}

/** A log line on stderr, printable (messages quote what the target holds). */
export function stderrLog(line: string): void {
  process.stderr.write(`kamheap serve: ${printable(line)}\n`);
}
