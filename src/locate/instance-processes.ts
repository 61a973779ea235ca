// The processes of a Kamailio instance with their pkg totals, read from memory without stopping
// anything (used by `kamheap ps` and `kamheap doctor`).
import { KamheapError } from '../errors.js';
import { openProcMem } from '../memory/proc-mem.js';
import { readInstanceFacts, type InstanceFacts } from './instance-facts.js';
import { apiRoot, readHeapTotals, type LayoutKnowledge } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import { readProcessTable, type KamailioProcessEntry } from './process-table.js';

export interface PkgTotals {
  allocator: string;
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
}

export interface ProcessRow extends KamailioProcessEntry {
  /** Null when that process's heap could not be read (it exited, or no layout for its allocator). */
  pkg: PkgTotals | null;
  pkgError?: string;
}

export interface ProcessList {
  schema: 'kamheap.ps/1';
  pid: number;
  processes: ProcessRow[];
}

/** Reads the process table and each process's pkg totals. */
export async function collectProcesses(pid: number, gdbPath?: string, resolved?: InstanceFacts): Promise<ProcessList> {
  inspectProcess(pid);
  const { symbols, knowledge } = resolved ?? (await readInstanceFacts(pid, gdbPath));
  const memory = openProcMem(pid);
  let entries: KamailioProcessEntry[];
  try {
    entries = await readProcessTable(memory, symbols.pt, symbols.process_count);
  } finally {
    memory.close();
  }
  const processes: ProcessRow[] = [];
  for (const entry of entries) processes.push(await withPkgTotals(entry, symbols._pkg_root, knowledge));
  return { schema: 'kamheap.ps/1', pid, processes };
}

/** Adds one process's pkg totals, read from its own memory (children share the parent's executable and layouts). */
async function withPkgTotals(entry: KamailioProcessEntry, pkgRoot: bigint, knowledge: LayoutKnowledge): Promise<ProcessRow> {
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
