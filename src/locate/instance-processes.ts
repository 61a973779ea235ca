// The processes of a Kamailio instance with their pkg totals, read from memory without stopping
// anything (used by `kamheap ps` and `kamheap doctor`).
import { KamheapError } from '../errors.js';
import { openProcMem } from '../memory/proc-mem.js';
import { readInstanceFacts, tableOf, type InstanceFacts } from './instance-facts.js';
import type { ExecutableOptions } from './static-symbols.js';
import { apiRoot, readHeapTotals, type LayoutKnowledge } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import type { InstanceProcess } from './check-process-table.js';
import { readInstanceTable } from './instance-table.js';

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

/** Reads the process table, checks it, and reads each process's pkg totals. */
export async function collectProcesses(pid: number, gdbPath?: string | ExecutableOptions, known?: InstanceFacts): Promise<ProcessList> {
  inspectProcess(pid);
  const facts = known ?? (await readInstanceFacts(pid, gdbPath));
  const tableFacts = tableOf(facts);
  const table = await readInstanceTable(pid, tableFacts);
  const processes: ProcessRow[] = [];
  for (const entry of table) processes.push(await withPkgTotals(entry, facts.symbols._pkg_root, facts.knowledge));
  return { schema: 'kamheap.ps/1', pid, tableLayout: tableFacts.layout.id, processes };
}

/** Adds one process's pkg totals, read from its own memory (children share the parent's executable and layouts). */
async function withPkgTotals({ startTime: _startTime, ...entry }: InstanceProcess, pkgRoot: bigint, knowledge: LayoutKnowledge): Promise<ProcessRow> {
  let memory;
  try {
    memory = openProcMem(entry.pid);
    const { layout: _layout, ...pkg } = await readHeapTotals(memory, entry.pid, apiRoot('pkg'), pkgRoot, knowledge);
    return { ...entry, pkg };
  } catch (error) {
    return { ...entry, pkg: null, pkgError: error instanceof KamheapError ? error.message : String(error) };
  } finally {
    memory?.close();
  }
}
