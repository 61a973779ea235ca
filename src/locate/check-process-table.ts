// Every entry of the process table is checked before anything is printed or walked: a table read
// with a layout that does not fit (another release), or with PIDs of another namespace taken as
// they are, would name processes of somebody else, and kamheap would read or attach to them.
import { ProcessTableError } from '../errors.js';
import { pidTranslation, type PidTranslation } from '../proc/pid-namespace.js';
import type { ExecutableIdentity, ProcView } from '../proc/proc-view.js';
import type { ProcessTableEntry } from './process-table.js';

/** A process of the instance, checked: `pid` is the one kamheap uses. */
export interface InstanceProcess {
  index: number;
  /** The PID as kamheap sees it (the host's, for an instance in a container). */
  pid: number;
  /** The PID in the instance's own namespace, when that is not kamheap's. */
  nsPid?: number;
  rank: number | null;
  role: string;
  /** With `pid`, names this very process: a later step can tell it from a new one with the PID reused. */
  startTime: number;
}

/** Longest parent chain followed from a worker up to the main process. */
const maxDepth = 64;

/**
 * The entries as processes of the instance `targetPid` belongs to, or a ProcessTableError (exit 13)
 * naming the first entry that is not: its PID (mapped through NSpid when the instance has a PID
 * namespace of its own) must exist, run the target's executable and descend from entry 0, the
 * main process; its role must be the text Kamailio writes; and the target must be one of them.
 */
export function checkProcessTable(entries: readonly ProcessTableEntry[], targetPid: number, view: ProcView, layoutName: string): InstanceProcess[] {
  const translation = pidTranslation(view, targetPid);
  const executable = view.executable(targetPid);
  if (!executable) throw new ProcessTableError(targetPid, undefined, `PID ${targetPid} has no executable`, layoutName);
  const checked: InstanceProcess[] = [];
  const seen = new Map<number, number>();
  for (const entry of entries) {
    const result = checkEntry(entry, { view, translation, executable, targetPid, main: checked[0]?.pid, seen });
    if (typeof result === 'string') throw new ProcessTableError(targetPid, entry, result, layoutName);
    seen.set(result.pid, entry.index);
    checked.push(result);
  }
  if (!seen.has(targetPid)) throw new ProcessTableError(targetPid, undefined, `PID ${targetPid} is not in the process table it holds`, layoutName);
  return checked;
}

interface EntryContext {
  view: ProcView;
  translation: PidTranslation;
  executable: ExecutableIdentity;
  targetPid: number;
  /** The main process's PID, once entry 0 has passed. */
  main: number | undefined;
  /** PIDs of the entries already checked -> their index. */
  seen: ReadonlyMap<number, number>;
}

/** The checked process, or why the entry is not one of the instance's. */
function checkEntry(entry: ProcessTableEntry, c: EntryContext): InstanceProcess | string {
  if (entry.roleProblem) return entry.roleProblem;
  if (entry.pid <= 0) return `${entry.pid} is not a PID`;
  const pid = c.translation.hostPid(entry.pid);
  if (pid === undefined) return `no process has PID ${entry.pid} in the instance's PID namespace`;
  const facts = c.view.facts(pid);
  if (!facts || facts.state === 'Z' || facts.state === 'X') return `no process with PID ${pid}`;
  if (!sameExecutable(c.view.executable(pid), c.executable)) return `PID ${pid} does not run PID ${c.targetPid}'s executable`;
  if (c.main !== undefined && !descendsFrom(c.view, pid, c.main)) return `PID ${pid} is not a child of the main process (PID ${c.main})`;
  const twice = c.seen.get(pid);
  if (twice !== undefined) return `PID ${pid} is also entry ${twice}`;
  return {
    index: entry.index,
    pid,
    ...(c.translation.namespaced ? { nsPid: entry.pid } : {}),
    rank: entry.rank,
    role: entry.role,
    startTime: facts.startTime,
  };
}

/** Same file: device and inode, whatever path each mount namespace gives it. */
function sameExecutable(a: ExecutableIdentity | undefined, b: ExecutableIdentity): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** True when `main` is among `pid`'s ancestors. */
function descendsFrom(view: ProcView, pid: number, main: number): boolean {
  let at = pid;
  for (let depth = 0; depth < maxDepth; depth++) {
    const parent = view.facts(at)?.ppid;
    if (parent === undefined || parent <= 0) return false;
    if (parent === main) return true;
    at = parent;
  }
  return false;
}
