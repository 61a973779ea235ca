// What kamheap can tell about a Kamailio process without stopping it: version and build flags,
// the allocator, layout and totals of its pkg heap and of the shm heap, and its role.
import { KamheapError } from '../errors.js';
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { layoutReason } from './choose-layout.js';
import { tableRefusal } from './instance-facts.js';
import { resolveHeapRoot, type ResolvedRoot } from './heap-roots.js';
import { loadBias } from './load-bias.js';
import { readHeapTotals, readLayoutKnowledge, type LayoutKnowledge } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import type { InstanceProcess } from './check-process-table.js';
import { readInstanceTable, readTableFacts, type TableFacts } from './instance-table.js';
import { executableOptions, withExecutable, type ExecutableOptions } from './static-symbols.js';

export interface HeapInfo {
  kind: HeapKind;
  /** The variable the heap was found through (`_pkg_root`, `mem_block`, ...). */
  rootSymbol: string;
  allocator: string;
  layout: string;
  layoutSource: string;
  /** Why that layout: DWARF, or which built-in profile and on what grounds. */
  layoutReason: string;
  debugFields: boolean;
  size: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
}

export interface InstanceInfo {
  schema: 'kamheap.info/1';
  pid: number;
  /** The PID in the instance's own PID namespace, when that is not kamheap's. */
  nsPid?: number;
  executable: string | null;
  version: string;
  compileFlags: string[];
  role: string | null;
  processIndex: number | null;
  processCount: number | null;
  /** Why role and index are unknown: the process table kamheap refused, or could not read. */
  processTableError?: string;
  heaps: HeapInfo[];
}

/** Collects the info; gdb only reads the executable, the process keeps running. */
export async function collectInstanceInfo(pid: number, gdbPath?: string | ExecutableOptions): Promise<InstanceInfo> {
  const { executable } = inspectProcess(pid);
  const { roots, knowledge, table: tableFacts } = await withExecutable(pid, executableOptions(gdbPath), async (gdb, timeoutMs) => {
    const knowledge = await readLayoutKnowledge(gdb, timeoutMs);
    return {
      roots: [await resolveHeapRoot(gdb, pid, 'pkg', timeoutMs), await resolveHeapRoot(gdb, pid, 'shm', timeoutMs)] as const,
      knowledge,
      // A table kamheap cannot read only leaves the role unknown, saying why.
      table: await readTableFacts(gdb, pid, knowledge.release, timeoutMs).catch(tableRefusal),
    };
  });
  const { release } = knowledge;
  const table = tableFacts instanceof KamheapError ? tableFacts : await checkedTable(pid, tableFacts);
  const me = table instanceof KamheapError ? undefined : table.find((p) => p.pid === pid);
  const bias = loadBias(pid);
  const memory = openProcMem(pid);
  try {
    return {
      schema: 'kamheap.info/1',
      pid,
      ...(me?.nsPid === undefined ? {} : { nsPid: me.nsPid }),
      executable,
      version: release.full ?? 'unknown',
      compileFlags: release.flags,
      role: me?.role ?? null,
      processIndex: me?.index ?? null,
      processCount: table instanceof KamheapError ? null : table.length,
      ...(table instanceof KamheapError ? { processTableError: table.message } : {}),
      heaps: [await heapInfo(memory, pid, roots[0], bias, knowledge), await heapInfo(memory, pid, roots[1], bias, knowledge)],
    };
  } finally {
    memory.close();
  }
}

/** The checked table, or the refusal that leaves the role unknown. */
async function checkedTable(pid: number, facts: TableFacts): Promise<InstanceProcess[] | KamheapError> {
  return readInstanceTable(pid, facts).catch(tableRefusal);
}

/** One heap's allocator, layout and totals. */
async function heapInfo(memory: RawMemory, pid: number, root: ResolvedRoot, bias: bigint, knowledge: LayoutKnowledge): Promise<HeapInfo> {
  const t = await readHeapTotals(memory, pid, root, bias + root.linkAddress, knowledge);
  return {
    kind: root.entry.kind,
    rootSymbol: root.entry.symbol,
    allocator: t.allocator,
    layout: t.layout.id,
    layoutSource: t.layout.source,
    layoutReason: layoutReason(t.layout, knowledge.release),
    debugFields: t.layout.fragment.debug !== undefined,
    size: t.size,
    realUsed: t.realUsed,
    maxRealUsed: t.maxRealUsed,
    free: t.free,
  };
}
