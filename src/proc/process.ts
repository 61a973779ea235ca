// What /proc says about a process, without gdb: does it exist, what runs there, is it stopped or
// traced, and is it still the same process (a PID can be reused once its process is gone).
import { readFileSync, readlinkSync } from 'node:fs';
import { KamheapError } from '../errors.js';

export interface ProcessInfo {
  pid: number;
  /** Resolved executable path, or null when the kernel does not tell us. */
  executable: string | null;
  comm: string;
  /** Start time in clock ticks since boot: with the PID, it names this very process. */
  startTime: number;
}

/** Reads /proc/PID; throws no-such-process or permission errors with one clear line. */
export function inspectProcess(pid: number): ProcessInfo {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new KamheapError('usage', `invalid PID: ${String(pid)}`);
  const stat = readStat(pid);
  if (!stat) throw new KamheapError('no-such-process', `no process with PID ${pid}`);
  let executable: string | null = null;
  try {
    executable = readlinkSync(`/proc/${pid}/exe`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KamheapError('permission', `not allowed to inspect PID ${pid} (${stat.comm}): run as root or with CAP_SYS_PTRACE`, {
        cause: error,
      });
    }
    // A kernel thread has no executable: /proc/PID/exe is a link to nothing while the process is there.
    if (code === 'ENOENT' && readStat(pid)) throw new KamheapError('not-kamailio', `PID ${pid} (${stat.comm}) is a kernel thread, not a Kamailio process`, { cause: error });
    if (code === 'ENOENT') throw new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
  }
  return { pid, executable, comm: stat.comm, startTime: stat.startTime };
}

/** The process under `pid`, checked before anything is started: it exists and is the one the caller saw (`startTime`). */
export function inspectTarget(pid: number, startTime?: number): ProcessInfo {
  const target = inspectProcess(pid);
  if (startTime !== undefined && target.startTime !== startTime) {
    throw new KamheapError('target-exited', `PID ${pid} exited (the PID now belongs to another process)`);
  }
  return target;
}

/** The scheduler state letter of /proc/PID/stat ('S', 'R', 't' tracing stop, 'T' stopped), if the process exists. */
export function processState(pid: number): string | undefined {
  return readStat(pid)?.state;
}

/** True while the process that `info` described still runs under its PID (not exited, not a zombie, not replaced). */
export function isSameProcessAlive(info: Pick<ProcessInfo, 'pid' | 'startTime'>): boolean {
  const stat = readStat(info.pid);
  return stat !== undefined && stat.startTime === info.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** The debugger holding the process (TracerPid), if any. */
export function tracerOf(pid: number): { pid: number; comm: string } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const tracer = Number(/^TracerPid:\s*(\d+)/m.exec(status)?.[1] ?? '0');
  if (tracer === 0) return undefined;
  return { pid: tracer, comm: readStat(tracer)?.comm ?? '?' };
}

/** Refuses a process another debugger already holds: attaching would fail, and say "run as root". */
export function assertNotTraced(pid: number): void {
  const tracer = tracerOf(pid);
  if (tracer) throw new KamheapError('permission', `PID ${pid} is already traced by PID ${tracer.pid} (${tracer.comm})`);
}

export interface ProcessStat {
  comm: string;
  state: string;
  /** Parent (0 where it is outside this PID namespace). */
  ppid: number;
  /** Process group. */
  pgrp: number;
  startTime: number;
}

/** Fields of /proc/PID/stat, or undefined when there is no such process. */
export function readStat(pid: number): ProcessStat | undefined {
  // comm may hold spaces and parentheses: the fields after it are counted from the last ')'.
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After comm: state is field 3 of stat(5), ppid field 4, pgrp field 5, starttime field 22.
  return {
    comm: text.slice(text.indexOf('(') + 1, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1] ?? 0),
    pgrp: Number(fields[2] ?? 0),
    startTime: Number(fields[19] ?? 0),
  };
}
