// The instance's process table, read and checked: its addresses and layout from the executable
// (gdb, no attach), its bytes from shm through the process kamheap was pointed at, every entry
// checked against /proc. The one way ps, doctor, info and walk --all learn the instance's PIDs.
import type { SymbolSource } from '../debugger/debugger.js';
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import { hostProcView, type ProcView } from '../proc/proc-view.js';
import { checkProcessTable, type InstanceProcess } from './check-process-table.js';
import type { KamailioRelease } from './kamailio-release.js';
import { decodeProcessTable, readProcessTableBytes } from './process-table.js';
import { chooseProcessTableLayout } from './process-table-dwarf.js';
import type { ProcessTableLayout } from './process-table-layouts.js';
import { symbolAddresses } from './static-symbols.js';

/** Where the table is in the target and how its entries are laid out. */
export interface TableFacts {
  pt: bigint;
  processCount: bigint;
  layout: ProcessTableLayout;
}

/** The table's addresses and layout, with gdb holding the executable (nothing is stopped). */
export async function readTableFacts(gdb: SymbolSource, pid: number, release: KamailioRelease, timeoutMs: number): Promise<TableFacts> {
  const symbols = await symbolAddresses(gdb, pid, ['pt', 'process_count'], timeoutMs);
  return { pt: symbols.pt, processCount: symbols.process_count, layout: await chooseProcessTableLayout(gdb, release, timeoutMs) };
}

/** The instance's processes, checked, with the PIDs kamheap uses; a table that fails is a ProcessTableError. */
export async function readInstanceTable(pid: number, facts: TableFacts, view: ProcView = hostProcView, through?: RawMemory): Promise<InstanceProcess[]> {
  // /proc/PID/mem unless the caller reads another way (the debugger, holding the target stopped).
  const memory = through ?? openProcMem(pid);
  let bytes;
  try {
    bytes = await readProcessTableBytes(memory, facts.pt, facts.processCount, facts.layout);
  } finally {
    if (through === undefined) memory.close();
  }
  return checkProcessTable(decodeProcessTable(bytes, facts.layout), pid, view, facts.layout.id);
}
