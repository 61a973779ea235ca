// Feeds a RunControl from SIGINT/SIGTERM/SIGHUP and the --timeout deadline, for the whole of a
// command: the walk, and also what comes after the detach (summing, writing the output), so a
// signal is honoured in every phase. Handlers are removed when the command is done.
import { KamheapError } from '../errors.js';
import { RunControl } from '../run-control.js';
import { routeSignals } from './signal-capture.js';

/** A RunControl stopped by the signals and the deadline, until dispose(). */
export function controlFromSignals(timeoutMs: number | undefined): { control: RunControl; dispose: () => void } {
  const control = new RunControl();
  const unroute = routeSignals((signal) => control.stop({ kind: 'signal', signal }));
  // --timeout counts from kamheap's start (performance.now() is the time since then), not from here.
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => control.stop({ kind: 'timeout', ms: timeoutMs }), Math.max(0, timeoutMs - performance.now()));
  const dispose = (): void => {
    unroute();
    if (timer) clearTimeout(timer);
  };
  return { control, dispose };
}

/**
 * Runs `body` under one RunControl. A run that was stopped ends with the stop's error (exit 8, 9
 * or 16), even when the body had finished its work when the signal came; errors that say more
 * (the target exited, the target could not be left running) are kept.
 */
export async function runControlled<T>(timeoutMs: number | undefined, body: (control: RunControl) => Promise<T>): Promise<T> {
  const { control, dispose } = controlFromSignals(timeoutMs);
  try {
    const value = await body(control);
    control.throwIfStopped();
    return value;
  } catch (error) {
    if (control.stopped && !(error instanceof KamheapError)) throw control.error();
    throw error;
  } finally {
    dispose();
  }
}
