// What /proc says about a process: state, tracer, parent, start time, command line, environment.
// Synchronous on purpose: the attach-window poll and the signal-time cleanup cannot await. Kept
// apart from kamheap's own src/proc/process.ts on purpose: the harness judges kamheap (which checks
// the target's state and tracer itself) with a reading of /proc that is not kamheap's.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  /** 'R', 'S', 'D', 'Z', 'T' (job-control stop), 't' (tracing stop), ... */
  state: string;
  ppid: number;
  /** Clock ticks since boot; with the PID, it names one process even if the PID is reused later. */
  startTime: number;
}

/** /proc/PID/stat, or undefined when the process is gone. The name may hold ')' and spaces. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the 3rd field of stat (state); starttime is the 22nd.
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), startTime: Number(fields[19]) };
}

/** TracerPid from /proc/PID/status: 0 when untraced, undefined when the process is gone. */
export function tracerPid(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const at = text.indexOf('TracerPid:');
  if (at < 0) return undefined;
  return Number.parseInt(text.slice(at + 10, text.indexOf('\n', at)).trim(), 10);
}

/** The command line with NULs as spaces; '' for a zombie or a vanished process. */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** True when the process's environment holds exactly `entry` ("NAME=value"). */
export function hasEnvEntry(pid: number, entry: string): boolean {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return false;
  }
  return environ.startsWith(`${entry}\0`) || environ.includes(`\0${entry}\0`) || environ === entry || environ.endsWith(`\0${entry}`);
}

/** Every PID in /proc now. */
export function listPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) if (/^\d+$/.test(entry)) pids.push(Number(entry));
  return pids;
}

/** Alive and not a zombie (a zombie has exited; it only waits to be reaped). */
export function isLive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Running in the contract's sense: exists, not stopped ('T') nor in a tracing stop ('t'), not traced. */
export function runningUntraced(pid: number): { ok: boolean; detail: string } {
  const stat = readStat(pid);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return { ok: false, detail: `PID ${pid} is gone` };
  const tracer = tracerPid(pid) ?? 0;
  if (stat.state === 't' || stat.state === 'T') return { ok: false, detail: `PID ${pid} in state ${stat.state}${tracer ? `, traced by ${tracer}` : ''}` };
  if (tracer !== 0) return { ok: false, detail: `PID ${pid} traced by ${tracer} (${readCmdline(tracer) || '?'})` };
  return { ok: true, detail: '' };
}
