// The processes of a Kamailio instance with their pkg totals, and the instance's shm totals, read
// from memory without stopping anything (used by `kamheap ps` and `kamheap doctor`).
import { KamheapError } from '../errors.js';
import { openProcMem } from '../memory/proc-mem.js';
import { readInstanceFacts, tableOf, type InstanceFacts } from './instance-facts.js';
import type { ExecutableOptions } from './static-symbols.js';
import { apiRoot, readHeapTotals, type LayoutKnowledge } from './locate-heap.js';
import type { HeapKind } from '../heap/heap-nouns.js';
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
  /** The shared heap's totals (`kamcmd core.shmmem`), read through PID; null when unreadable. Absent in lists of older kamheap versions. */
  shm?: PkgTotals | null;
  shmError?: string;
}

/** Reads the process table, checks it, and reads each process's pkg totals. */
export async function collectProcesses(pid: number, gdbPath?: string | ExecutableOptions, known?: InstanceFacts): Promise<ProcessList> {
  inspectProcess(pid);
  const facts = known ?? (await readInstanceFacts(pid, gdbPath));
  const tableFacts = tableOf(facts);
  const table = await readInstanceTable(pid, tableFacts);
  const processes: ProcessRow[] = [];
  for (const { startTime: _startTime, ...entry } of table) {
    // Children share the parent's executable and layouts: each reads its own pkg heap the same way.
    const pkg = await heapTotals(entry.pid, 'pkg', facts.symbols._pkg_root, facts.knowledge);
    processes.push({ ...entry, pkg: pkg.totals, ...(pkg.error === undefined ? {} : { pkgError: pkg.error }) });
  }
  // The header the live shm walk reads too: nothing is stopped, the numbers are core.shmmem's.
  const shm = await heapTotals(pid, 'shm', facts.symbols._shm_root, facts.knowledge);
  return { schema: 'kamheap.ps/1', pid, tableLayout: tableFacts.layout.id, processes, shm: shm.totals, ...(shm.error === undefined ? {} : { shmError: shm.error }) };
}

/** One heap's totals from its header, read from the process's memory; why not, when it cannot be read. */
async function heapTotals(pid: number, kind: HeapKind, root: bigint, knowledge: LayoutKnowledge): Promise<{ totals: PkgTotals | null; error?: string }> {
  let memory;
  try {
    memory = openProcMem(pid);
    const { layout: _layout, ...totals } = await readHeapTotals(memory, pid, apiRoot(kind), root, knowledge);
    return { totals };
  } catch (error) {
    return { totals: null, error: error instanceof KamheapError ? error.message : String(error) };
  } finally {
    memory?.close();
  }
}
