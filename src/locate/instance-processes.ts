// The processes of a Kamailio instance with their pkg totals, read from memory without stopping
// anything (used by `kamheap ps` and `kamheap doctor`); and the checked table alone (walk --all).
import { KamheapError } from '../errors.js';
import { openProcMem } from '../memory/proc-mem.js';
import { apiRoot, readHeapTotals } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import type { InstanceProcess } from './check-process-table.js';
import { readTableFacts, readInstanceTable, type TableFacts } from './instance-table.js';
import { readRelease } from './kamailio-release.js';
import { symbolAddresses, withExecutable } from './static-symbols.js';

export interface PkgTotals {
  allocator: string;
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
}

export interface ProcessRow {
  index: number;
  /** The PID as kamheap sees it (the host's, for an instance in a container). */
  pid: number;
  /** The PID in the instance's own PID namespace, when that is not kamheap's. */
  nsPid?: number;
  /** Kamailio's rank; null before 5.3 (the table has none). */
  rank: number | null;
  role: string;
  /** Null when that process's heap could not be read (it exited, or no layout for its allocator). */
  pkg: PkgTotals | null;
  pkgError?: string;
}

export interface ProcessList {
  schema: 'kamheap.ps/1';
  pid: number;
  /** The process table layout the entries were read with: `pt/dwarf` from the binary's debug info, else the release's profile. */
  tableLayout: string;
  processes: ProcessRow[];
}

/** What the instance reads need from the executable, found once (one gdb run, no attach). */
export interface InstanceFacts {
  pkgRoot: bigint;
  table: TableFacts;
}

/** The pkg root and the process table's place and layout, from `pid`'s executable. */
export function readProcessFacts(pid: number, gdbPath?: string): Promise<InstanceFacts> {
  return withExecutable(pid, gdbPath === undefined ? {} : { gdbPath }, async (gdb, timeoutMs) => {
    // _pkg_root first: an older Kamailio without the memory API is named as such.
    const { _pkg_root: pkgRoot } = await symbolAddresses(gdb, pid, ['_pkg_root'], timeoutMs);
    return { pkgRoot, table: await readTableFacts(gdb, pid, await readRelease(gdb, timeoutMs), timeoutMs) };
  });
}

/** The instance's processes, checked (see check-process-table.ts); nothing is stopped. */
export async function readInstanceProcesses(pid: number, gdbPath?: string): Promise<InstanceProcess[]> {
  inspectProcess(pid);
  return readInstanceTable(pid, (await readProcessFacts(pid, gdbPath)).table);
}

/** Reads the process table, checks it, and reads each process's pkg totals. */
export async function collectProcesses(pid: number, gdbPath?: string, known?: InstanceFacts): Promise<ProcessList> {
  inspectProcess(pid);
  const facts = known ?? (await readProcessFacts(pid, gdbPath));
  const table = await readInstanceTable(pid, facts.table);
  const processes: ProcessRow[] = [];
  for (const entry of table) processes.push(await withPkgTotals(entry, facts.pkgRoot));
  return { schema: 'kamheap.ps/1', pid, tableLayout: facts.table.layout.id, processes };
}

/** Adds one process's pkg totals, read from its own memory (children share the parent's layout). */
async function withPkgTotals({ startTime: _startTime, ...entry }: InstanceProcess, pkgRoot: bigint): Promise<ProcessRow> {
  let memory;
  try {
    memory = openProcMem(entry.pid);
    const { layout: _layout, ...pkg } = await readHeapTotals(memory, entry.pid, apiRoot('pkg'), pkgRoot);
    return { ...entry, pkg };
  } catch (error) {
    return { ...entry, pkg: null, pkgError: error instanceof KamheapError ? error.message : String(error) };
  } finally {
    memory?.close();
  }
}
