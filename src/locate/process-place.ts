// Where a process stands in its instance, from Kamailio's own process table (as `ps` shows it):
// its role ("udp receiver child=0 sock=127.0.0.1:5060") and the instance's main process, entry 0,
// whose PID and start time name the instance across snapshots. Snapshots record it; a table
// kamheap cannot read leaves it unknown (absent), it never fails a walk.
import { GdbCommandError, KamheapError } from '../errors.js';
import type { TargetSession } from '../gdb/target-session.js';
import type { InstanceProcess } from './check-process-table.js';
import type { KamailioRelease } from './kamailio-release.js';
import { readInstanceTable, readTableFacts, type TableFacts } from './instance-table.js';
import type { RawMemory } from '../memory/proc-mem.js';

export interface ProcessPlace {
  role: string;
  /** The instance's main process (process table entry 0): PID and start time in clock ticks. */
  main: { pid: number; startTime: number };
}

/** The place of `pid` in a checked table; undefined when it is not there. */
export function placeIn(table: readonly InstanceProcess[], pid: number): ProcessPlace | undefined {
  const entry = table.find((p) => p.pid === pid);
  const main = table[0];
  if (!entry || !main) return undefined;
  return { role: entry.role, main: { pid: main.pid, startTime: main.startTime } };
}

/** Reads the table through the session's executable (gdb, no attach) and the process's memory; undefined when kamheap cannot read or believe it. */
export async function readProcessPlace(session: TargetSession, release: KamailioRelease): Promise<ProcessPlace | undefined> {
  const facts = await readPlaceFacts(session, release);
  return facts === undefined ? undefined : placeFromTable(session.pid, facts);
}

/** Where the table is, from the executable (nothing stopped); undefined when kamheap cannot know. */
export async function readPlaceFacts(session: TargetSession, release: KamailioRelease): Promise<TableFacts | undefined> {
  return unknownIfUnknowable(() => session.command((gdb) => readTableFacts(gdb, session.pid, release, session.limits.commandMs)));
}

/** The place of `pid` in the table read from `memory` (default /proc/PID/mem); undefined when it cannot be read or believed. */
export function placeFromTable(pid: number, facts: TableFacts, memory?: RawMemory): Promise<ProcessPlace | undefined> {
  return unknownIfUnknowable(async () => placeIn(await readInstanceTable(pid, facts, undefined, memory), pid));
}

// The value, or undefined for an error that only means the table cannot be known.
async function unknownIfUnknowable<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (unknowable(error)) return undefined;
    throw error;
  }
}

/** A table that is not there, not known, not believed (an older release, another layout) or not readable to this user; a stopped run or a broken gdb is thrown. */
function unknowable(error: unknown): boolean {
  if (error instanceof GdbCommandError) return true;
  return error instanceof KamheapError && (['heap-not-found', 'not-kamailio', 'memory-read', 'permission'] as const).some((k) => k === error.kind);
}
