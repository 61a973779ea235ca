// What kamheap can tell about a Kamailio process without stopping it: version and build flags,
// the allocator, layout and totals of its pkg heap and of the shm heap, and its role.
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import type { HeapKind } from '../snapshot/snapshot.js';

import { resolveHeapRoot, type ResolvedRoot } from './heap-roots.js';
import { loadBias } from './load-bias.js';
import { readHeapTotals, readLayoutKnowledge, type LayoutKnowledge } from './locate-heap.js';
import { inspectProcess } from '../proc/process.js';
import { readProcessTable } from './process-table.js';
import { symbolAddresses, withExecutable } from './static-symbols.js';

export interface HeapInfo {
  kind: HeapKind;
  /** The variable the heap was found through (`_pkg_root`, `mem_block`, ...). */
  rootSymbol: string;
  allocator: string;
  layout: string;
  layoutSource: string;
  debugFields: boolean;
  size: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
}

export interface InstanceInfo {
  schema: 'kamheap.info/1';
  pid: number;
  executable: string | null;
  version: string;
  compileFlags: string[];
  role: string | null;
  processIndex: number | null;
  processCount: number | null;
  heaps: HeapInfo[];
}

/** Collects the info; gdb only reads the executable, the process keeps running. */
export async function collectInstanceInfo(pid: number, gdbPath?: string): Promise<InstanceInfo> {
  const { executable } = inspectProcess(pid);
  const { roots, table: tableSymbols, knowledge } = await withExecutable(pid, gdbPath === undefined ? {} : { gdbPath }, async (gdb, timeoutMs) => ({
    roots: [await resolveHeapRoot(gdb, pid, 'pkg', timeoutMs), await resolveHeapRoot(gdb, pid, 'shm', timeoutMs)] as const,
    // The process table as Kamailio 5.x lays it out; older releases simply get no role.
    table: await symbolAddresses(gdb, pid, ['pt', 'process_count'], timeoutMs).catch(() => undefined),
    knowledge: await readLayoutKnowledge(gdb, timeoutMs),
  }));
  const { release } = knowledge;
  const bias = loadBias(pid);
  const memory = openProcMem(pid);
  try {
    const table = tableSymbols ? await readProcessTable(memory, tableSymbols.pt, tableSymbols.process_count).catch(() => []) : [];
    const me = table.find((p) => p.pid === pid);
    return {
      schema: 'kamheap.info/1',
      pid,
      executable,
      version: release.full ?? 'unknown',
      compileFlags: release.flags,
      role: me?.role ?? null,
      processIndex: me?.index ?? null,
      processCount: table.length || null,
      heaps: [await heapInfo(memory, pid, roots[0], bias, knowledge), await heapInfo(memory, pid, roots[1], bias, knowledge)],
    };
  } finally {
    memory.close();
  }
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
    debugFields: t.layout.fragment.debug !== undefined,
    size: t.size,
    realUsed: t.realUsed,
    maxRealUsed: t.maxRealUsed,
    free: t.free,
  };
}
