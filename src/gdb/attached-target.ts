// The lifecycle that keeps production safe: start gdb, load symbols, attach, run the body while the
// target is stopped, and ALWAYS detach and leave the target running: on success, error, timeout,
// abort (Ctrl-C/SIGTERM) and when gdb dies.
import { processState, resumeIfLeftStopped } from '../locate/process.js';
import { sendFileExecAndSymbols, sendGdbSet, sendTargetAttach, sendTargetDetach } from './commands.js';
import { GdbSession } from './gdb-session.js';

export interface AttachOptions {
  pid: number;
  gdbPath?: string;
  /** Per-command timeout for the small commands (attach, evaluate, detach). */
  commandTimeoutMs?: number;
  /** Aborting (reason 'interrupted' or 'timeout') interrupts gdb, cancels the body and detaches. */
  signal?: AbortSignal;
  /** Runs on the loaded executable before the target is stopped (e.g. "is this Kamailio?"). */
  beforeAttach?: (gdb: GdbSession) => Promise<void>;
  /** Called when the target has just been stopped / resumed (for the spinner). */
  onPhase?: (phase: 'attached' | 'detached') => void;
}

export interface AttachedTarget {
  gdb: GdbSession;
  pid: number;
  commandTimeoutMs: number;
}

export interface AttachedResult<T> {
  value: T;
  /** Milliseconds the target was stopped: from the attach request to the detach answer. */
  pauseMs: number;
}

/** Runs `body` while attached to `pid`; the target is detached and running when this settles. */
export async function withAttachedTarget<T>(options: AttachOptions, body: (target: AttachedTarget) => Promise<T>): Promise<AttachedResult<T>> {
  const commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
  const wasStopped = processState(options.pid) === 'T';
  const gdb = await GdbSession.start(options.gdbPath === undefined ? {} : { gdbPath: options.gdbPath });
  const onAbort = (): void => {
    const reason = options.signal?.reason === 'timeout' ? 'timeout' : 'interrupted';
    gdb.interrupt();
    gdb.cancelPending(reason);
  };
  let pauseStart: number | undefined;
  let pauseEnd: number | undefined;
  try {
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    await sendFileExecAndSymbols(gdb, options.pid, commandTimeoutMs);
    // Shared libraries are not needed (the heap roots live in the executable). Loading their
    // symbols, and above all libc's separate debug info, happens inside the attach and took the
    // pause from ~30 ms to ~150 ms here; the executable's own debug info is already loaded above.
    await sendGdbSet(gdb, 'auto-solib-add off');
    await sendGdbSet(gdb, 'debug-file-directory');
    await sendGdbSet(gdb, 'libthread-db-search-path');
    await options.beforeAttach?.(gdb);
    pauseStart = performance.now();
    await sendTargetAttach(gdb, options.pid, commandTimeoutMs);
    options.onPhase?.('attached');
    const value = await body({ gdb, pid: options.pid, commandTimeoutMs });
    await sendTargetDetach(gdb, commandTimeoutMs);
    pauseEnd = performance.now();
    options.onPhase?.('detached');
    return { value, pauseMs: pauseEnd - pauseStart };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (pauseStart !== undefined && pauseEnd === undefined) await detachAfterFailure(gdb, commandTimeoutMs);
    await gdb.close();
    if (!wasStopped) resumeIfLeftStopped(options.pid);
  }
}

/** Best effort detach on the error path; if gdb cannot, killing it makes the kernel detach. */
async function detachAfterFailure(gdb: GdbSession, commandTimeoutMs: number): Promise<void> {
  if (!gdb.alive) return;
  try {
    await sendTargetDetach(gdb, Math.min(commandTimeoutMs, 10_000));
  } catch {
    gdb.kill();
  }
}
