// The few /proc facts the process table checks and the PID namespace mapping need, behind one
// interface so that the checks are pure code that tests feed with fixtures.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { KamheapError } from '../errors.js';
import { readStat } from './process.js';

/** Which file a process runs: the device and inode of /proc/PID/exe (equal across mount namespaces). */
export interface ExecutableIdentity {
  dev: bigint;
  ino: bigint;
}

export interface ProcFacts {
  /** Parent's PID, as this /proc shows it (0 for a namespace's first process seen from inside it). */
  ppid: number;
  /** NSpid: the PID in each PID namespace from this /proc's down to the process's own (innermost last). */
  nsPids: number[];
  /** Scheduler state letter ('Z': exited, not yet reaped). */
  state: string;
  /** Start time in clock ticks since boot: with the PID, it names this very process. */
  startTime: number;
}

export interface ProcView {
  /** Every PID /proc lists. */
  pids(): number[];
  /** `pid:[inode]` of the process's PID namespace ('self' for kamheap's own); undefined when gone. */
  pidNamespace(pid: number | 'self'): string | undefined;
  /** undefined when there is no such process. */
  facts(pid: number): ProcFacts | undefined;
  /** undefined when gone or a kernel thread (no executable). */
  executable(pid: number): ExecutableIdentity | undefined;
}

/** The machine's /proc, as kamheap sees it. */
export const hostProcView: ProcView = {
  pids: () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number),
  pidNamespace: (pid) => quietly(pid, () => readlinkSync(`/proc/${pid}/ns/pid`)),
  facts(pid) {
    const stat = readStat(pid);
    const status = quietly(pid, () => readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (!stat || status === undefined) return undefined;
    return parseStatus(status, stat);
  },
  executable(pid) {
    const s = quietly(pid, () => statSync(`/proc/${pid}/exe`, { bigint: true }));
    return s === undefined ? undefined : { dev: s.dev, ino: s.ino };
  },
};

/** PPid and NSpid of /proc/PID/status, with state and start time from /proc/PID/stat. */
export function parseStatus(status: string, stat: { state: string; startTime: number }): ProcFacts {
  const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1] ?? 0);
  // NSpid appeared in Linux 4.1; without it only this namespace's PID is known.
  const nsPids = (/^NSpid:\s*([\d\s]+)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { ppid, nsPids, state: stat.state, startTime: stat.startTime };
}

/** The result, or undefined when the process is gone; a refusal of the kernel is one clear line (exit 5). */
function quietly<T>(pid: number | 'self', read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KamheapError('permission', `not allowed to inspect PID ${pid}: run as root or with CAP_SYS_PTRACE`, { cause: error });
    }
    return undefined;
  }
}
