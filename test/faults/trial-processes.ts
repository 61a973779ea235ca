// The processes one trial's kamheap started (gdb, the setpriv/sh guard, anything else): found by
// an environment marker every descendant inherits, and by parentage for any that drops it, so a
// gdb reparented to init after kamheap's death is still recognised, and another session's gdb on
// this machine never is.
import { hasEnvEntry, isLive, listPids, readCmdline, readStat } from './proc-facts.js';

export const MARKER_VARIABLE = 'KAMHEAP_FAULTS_TRIAL';

export interface TrialProcess {
  pid: number;
  startTime: number;
  cmdline: string;
  /** gdb speaking MI, kamheap's guard shell, or anything else kamheap started. */
  kind: 'gdb' | 'guard' | 'other';
}

// What the contract names: gdb by its MI flag, the guard by its argv.
function kindOf(cmdline: string): TrialProcess['kind'] {
  if (cmdline.includes('--interpreter=mi3')) return 'gdb';
  if (cmdline.includes('kamheap-guard')) return 'guard';
  return 'other';
}

/** Tracks the processes descended from (or marked by) one kamheap run. */
export class TrialProcesses {
  /** PIDs that existed before the trial: never ours, never read again. */
  private readonly before = new Set(listPids());
  /** PIDs seen since, that are not ours (with their start time, in case a PID comes back). */
  private readonly foreign = new Map<number, number>();
  private readonly ours = new Map<number, TrialProcess>();
  private root: { pid: number; startTime: number } | undefined;

  constructor(readonly marker: string) {}

  /** The env entry to give kamheap. */
  get envEntry(): [string, string] {
    return [MARKER_VARIABLE, this.marker];
  }

  /** kamheap itself: its children are ours even without the marker; it is not a leftover. */
  setRoot(pid: number): void {
    const stat = readStat(pid);
    this.root = { pid, startTime: stat?.startTime ?? 0 };
  }

  /** Looks at every process born since the trial began; cheap enough to run every few ms. */
  scan(): void {
    const entry = `${MARKER_VARIABLE}=${this.marker}`;
    for (const pid of listPids()) {
      if (this.before.has(pid) || pid === this.root?.pid) continue;
      const stat = readStat(pid);
      if (stat === undefined) continue;
      if (this.ours.get(pid)?.startTime === stat.startTime || this.foreign.get(pid) === stat.startTime) continue;
      const parentIsOurs = stat.ppid === this.root?.pid || this.ours.has(stat.ppid);
      if (parentIsOurs || hasEnvEntry(pid, entry)) {
        const cmdline = readCmdline(pid);
        this.ours.set(pid, { pid, startTime: stat.startTime, cmdline, kind: kindOf(cmdline) });
      } else {
        this.foreign.set(pid, stat.startTime);
      }
    }
    // A process seen before its exec (the fork of node) gets its final command line later.
    for (const p of this.ours.values()) {
      if (p.kind === 'other' && isLive(p.pid)) {
        const cmdline = readCmdline(p.pid);
        if (cmdline) Object.assign(p, { cmdline, kind: kindOf(cmdline) });
      }
    }
  }

  /** Our process that is still the one we saw (same PID and start time) and not a zombie. */
  private alive(p: TrialProcess): boolean {
    const stat = readStat(p.pid);
    return stat !== undefined && stat.startTime === p.startTime && stat.state !== 'Z' && stat.state !== 'X';
  }

  /** The live gdb of this trial, if any. */
  gdb(): TrialProcess | undefined {
    this.scan();
    return [...this.ours.values()].find((p) => p.kind === 'gdb' && this.alive(p));
  }

  /** True when `pid` is a live process of this trial (checked before signalling it). */
  isOurs(pid: number): boolean {
    this.scan();
    const p = this.ours.get(pid);
    return p !== undefined && this.alive(p);
  }

  /** Processes of this trial still alive. */
  leftovers(): TrialProcess[] {
    this.scan();
    return [...this.ours.values()].filter((p) => this.alive(p));
  }

  /** Every process of this trial ever seen (for the report). */
  seen(): TrialProcess[] {
    return [...this.ours.values()];
  }

  /** SIGKILLs what is left (after it was recorded), so the next trial starts clean. */
  killLeftovers(): TrialProcess[] {
    const left = this.leftovers();
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    return left;
  }
}
