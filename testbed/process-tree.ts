// Linux process facts from /proc: state letters and process-group membership, so the testbed
// can find and end every process of an instance (the launcher makes Kamailio a group leader).
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  state: string;
  pgrp: number;
}

// Reads /proc/PID/stat; the command name may hold spaces and parentheses, so fields are
// counted from the last ')'.
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgrp = Number(fields[2]);
  if (state === undefined || !Number.isInteger(pgrp)) return undefined;
  return { state, pgrp };
}

/**
 * State letter of a process ('R', 'S', 'D', 'Z', 'T' stopped, 't' stopped by a tracer such as
 * gdb), or undefined when it does not exist.
 */
export function processState(pid: number): string | undefined {
  return readStat(pid)?.state;
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') {
      pids.push(Number(entry));
    }
  }
  return pids;
}

// Signals a whole process group; a group that is already gone is not an error.
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Polls until no live process is left in the group; false when `timeoutMs` ran out first. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (groupPids(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}
