// The processes of a Kamailio instance with their pkg totals, read from memory without stopping
// anything (used by `kamheap ps` and `kamheap doctor`).
import { KamheapError } from '../errors.js';
import { openProcMem } from '../memory/proc-mem.js';
import { apiRoot, readHeapTotals } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import { readProcessTable, type KamailioProcessEntry } from './process-table.js';
import { resolveSymbols } from './static-symbols.js';

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
export async function collectProcesses(
  pid: number,
  gdbPath?: string,
  resolved?: Record<'pt' | 'process_count' | '_pkg_root', bigint>,
): Promise<ProcessList> {
  inspectProcess(pid);
  const symbols = resolved ?? (await resolveSymbols(pid, ['pt', 'process_count', '_pkg_root'], gdbPath === undefined ? {} : { gdbPath }));
  const memory = openProcMem(pid);
  let entries: KamailioProcessEntry[];
  try {
    entries = await readProcessTable(memory, symbols.pt, symbols.process_count);
  } finally {
    memory.close();
  }
  const processes: ProcessRow[] = [];
  for (const entry of entries) processes.push(await withPkgTotals(entry, symbols._pkg_root));
  return { schema: 'kamheap.ps/1', pid, processes };
}

/** Adds one process's pkg totals, read from its own memory (children share the parent's layout). */
async function withPkgTotals(entry: KamailioProcessEntry, pkgRoot: bigint): Promise<ProcessRow> {
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
