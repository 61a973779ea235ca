// What /proc says about the target before gdb is involved: does it exist, what runs there, is it stopped.
import { readFileSync, readlinkSync } from 'node:fs';
import { KamheapError } from '../errors.js';

export interface ProcessInfo {
  pid: number;
  /** Resolved executable path, or null when the kernel does not tell us. */
  executable: string | null;
  comm: string;
}

/** Reads /proc/PID; throws no-such-process or permission errors with one clear line. */
export function inspectProcess(pid: number): ProcessInfo {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new KamheapError('usage', `invalid PID: ${String(pid)}`);
  let comm: string;
  try {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch (error) {
    throw new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
  }
  let executable: string | null = null;
  try {
    executable = readlinkSync(`/proc/${pid}/exe`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KamheapError('permission', `not allowed to inspect PID ${pid} (${comm}): run as root or with CAP_SYS_PTRACE`, {
        cause: error,
      });
    }
    if (code === 'ENOENT') throw new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
  }
  return { pid, executable, comm };
}

/** The scheduler state letter of /proc/PID/stat ('S', 'R', 't' tracing stop, 'T' stopped), if the process exists. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Resumes a target that a dead gdb left in job-control stop; used only if it was running before. */
export function resumeIfLeftStopped(pid: number): boolean {
  const state = processState(pid);
  if (state !== 'T' && state !== 't') return false;
  try {
    process.kill(pid, 'SIGCONT');
    return true;
  } catch {
    return false;
  }
}
