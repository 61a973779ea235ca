// Linux process facts from /proc: state letters and process-group membership, so the testbed
// can find and end every process of an instance (the launcher makes Kamailio a group leader).
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStat } from '../src/proc/process.js';

/** State letter of a process ('t': stopped by a tracer such as gdb), or undefined when it does not exist. */
export { processState } from '../src/proc/process.js';

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
