// What every debugger kamheap runs has in common as a child process, whether it speaks GDB/MI
// (gdb-session.ts) or the Debug Adapter Protocol (dap/dap-session.ts): it is spawned as the leader
// of a session and process group of its own (a Ctrl-C in the terminal reaches kamheap only, which
// then ends it in order), and the only signal it is ever sent is SIGKILL, to that whole group.
import { execa, type ResultPromise } from 'execa';
import { assertKamailioAdoptsNothing } from '../proc/orphan-adopter.js';
import { GdbPipeError } from './gdb-errors.js';
import type { GdbLaunch } from './gdb-launch.js';

/**
 * Spawns the debugger with piped stdio (stdout as bytes for DAP's frames, as text for MI's lines);
 * never where Kamailio would adopt it (proc/orphan-adopter.ts).
 */
export function spawnDebugger(launch: GdbLaunch, encoding: 'utf8' | 'buffer'): ResultPromise {
  assertKamailioAdoptsNothing();
  return execa(launch.file, launch.args, {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    detached: true,
    env: launch.env,
    extendEnv: true,
    encoding,
  });
}

/** Waits for the spawn; a failure to start is a one-line error. */
export function spawned(child: ResultPromise, file: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    // A pid is what every later kill aims at (as -pid, the group): never let it be 0.
    child.once('spawn', () => (child.pid && child.pid > 0 ? resolve(child.pid) : reject(new GdbPipeError(`cannot start ${file}: no pid`))));
    child.once('error', (error: NodeJS.ErrnoException) => reject(new GdbPipeError(`cannot start ${file}: ${error.message}`, error)));
  });
}

/** A wait on a debugger that is gone: already failed with `error`, nothing to withdraw. */
export function gone<T>(error: Error): { promise: Promise<T>; cancel: () => void } {
  const promise = Promise.reject(error);
  promise.catch(() => undefined);
  return { promise, cancel: () => undefined };
}

/** Kills the process group led by `pid` at once; the kernel then detaches its members from their targets. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone
  }
}

/** True when `exited` settles within `timeoutMs`. */
export async function exitedWithin(exited: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const result = await Promise.race([exited.then(() => true), timedOut]);
  clearTimeout(timer);
  return result;
}

/** Resolves when `busy` turns false (or the process dies), or after `timeoutMs`; true when idle. */
export async function settled(busy: () => boolean, alive: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (busy() && alive() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return !busy() || !alive();
}
