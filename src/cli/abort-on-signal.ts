// Turns SIGINT/SIGTERM/SIGHUP and the --timeout deadline into one AbortSignal, so every path out of
// a walk goes through the same detach logic. Handlers are removed when the command is done.
import { KamheapError } from '../errors.js';

export interface CommandAbort {
  signal: AbortSignal;
  /** The error matching why the command was aborted. */
  error(): KamheapError;
  dispose(): void;
}

/** Installs the handlers; a second Ctrl-C still only waits for the detach already under way. */
export function abortOnSignals(timeoutMs: number | undefined): CommandAbort {
  const controller = new AbortController();
  let cause = 'interrupted';
  const onSignal = (signal: NodeJS.Signals): void => {
    cause = signal;
    if (!controller.signal.aborted) controller.abort('interrupted');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort('timeout'), timeoutMs);
  return {
    signal: controller.signal,
    error() {
      if (controller.signal.reason === 'timeout') {
        return new KamheapError('timeout', `timed out after ${((timeoutMs ?? 0) / 1000).toString()} s; target detached and running`);
      }
      return new KamheapError('interrupted', `interrupted by ${cause}; target detached and running`);
    },
    dispose() {
      for (const s of signals) process.off(s, onSignal);
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * Runs `body` under one abort for signals and the deadline; when the run was aborted, the error
 * the user sees is "interrupted" or "timed out", not whatever the cancelled command threw.
 */
export async function runAbortable<T>(timeoutMs: number | undefined, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = abortOnSignals(timeoutMs);
  try {
    return await body(abort.signal);
  } catch (error) {
    if (abort.signal.aborted) throw abort.error();
    throw error;
  } finally {
    abort.dispose();
  }
}
