// What this user may read of the target PID, found before any check runs: doctor turns what it
// cannot read into lines of its checklist, and stops only when the PID does not exist.
import { readFileSync } from 'node:fs';
import { KamheapError } from '../errors.js';
import { inspectProcess } from '../proc/process.js';
import { openProcMem } from '../memory/proc-mem.js';
import type { CheckResult } from './check.js';

export interface TargetAccess {
  pid: number;
  comm: string;
  /** The target's real uid (from /proc/PID/status, which anyone may read). */
  uid: number;
  /** This process's effective uid, the one the kernel checks. */
  viewerUid: number;
  /** The executable, or null when /proc/PID/exe cannot be read. */
  executable: string | null;
  /** True when /proc/PID/mem opens: the kernel's ptrace access check, the one an attach meets. */
  memoryReadable: boolean;
}

/** Probes the target; the one error is a PID that does not exist (exit 3). */
export function probeTarget(pid: number): TargetAccess {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    throw new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
  }
  const comm = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '?';
  const uid = Number(/^Uid:\s*(\d+)/m.exec(status)?.[1] ?? -1);
  return { pid, comm, uid, viewerUid: process.geteuid?.() ?? -1, executable: readableExecutable(pid), memoryReadable: memoryOpens(pid) };
}

/** A check that could not run because this user may not read the target's executable or memory. */
export function notCheckedForRights(name: string, target: TargetAccess, what: 'executable' | 'memory'): CheckResult {
  return {
    name,
    status: 'fail',
    verdict: `not checked: cannot read PID ${target.pid}'s ${what} as uid ${target.viewerUid}`,
    advice: `run as root (sudo kamheap doctor ${target.pid}) or with CAP_SYS_PTRACE`,
  };
}

/** /proc/PID/exe, or null when this user may not read it. */
function readableExecutable(pid: number): string | null {
  try {
    return inspectProcess(pid).executable;
  } catch (error) {
    if (error instanceof KamheapError && error.kind === 'permission') return null;
    throw error;
  }
}

/** Opens and closes /proc/PID/mem: false when the kernel refuses this user. */
function memoryOpens(pid: number): boolean {
  try {
    openProcMem(pid).close();
    return true;
  } catch (error) {
    if (error instanceof KamheapError && error.kind === 'permission') return false;
    throw error;
  }
}
