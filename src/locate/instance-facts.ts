// What one gdb run on an instance's executable tells, without attaching: where the heaps' roots
// and the process table are, which release it is, the heap layouts its DWARF describes, and the
// process table's layout. `ps`, `doctor`, `info` and `walk --all` read the instance's memory with
// these, as `walk` does.
import { KamheapError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import { readTableFacts, type TableFacts } from './instance-table.js';
import { readLayoutKnowledge, type LayoutKnowledge } from './locate-heap.js';
import { executableOptions, symbolAddresses, withExecutable, type ExecutableOptions } from './static-symbols.js';

/** Runtime addresses of the variables the instance-wide commands read. */
export type InstanceSymbols = Record<'_shm_root' | '_pkg_root' | 'core_cfg', bigint>;

export interface InstanceFacts {
  symbols: InstanceSymbols;
  knowledge: LayoutKnowledge;
  /** The process table's place and layout, or why kamheap cannot read it (a command decides what that means). */
  table: TableFacts | KamheapError;
}

/** The facts of PID's executable (one gdb, no attach). */
export function readInstanceFacts(pid: number, gdbPath?: string | ExecutableOptions): Promise<InstanceFacts> {
  return withExecutable(pid, executableOptions(gdbPath), (gdb, timeoutMs) => instanceFactsFrom(gdb, pid, timeoutMs));
}

/** The facts of PID's executable, from a gdb that holds it and has attached nothing yet (walk --all's own session). */
export async function instanceFactsFrom(gdb: SymbolSource, pid: number, timeoutMs: number): Promise<InstanceFacts> {
  // _pkg_root first: an older Kamailio without the memory API is named as such.
  const symbols = await symbolAddresses(gdb, pid, ['_pkg_root', '_shm_root', 'core_cfg'], timeoutMs);
  const knowledge = await readLayoutKnowledge(gdb, timeoutMs);
  const table = await readTableFacts(gdb, pid, knowledge.release, timeoutMs).catch(tableRefusal);
  return { symbols, knowledge, table };
}

/** The table's facts, or the refusal thrown: for the commands that cannot do without the table. */
export function tableOf(facts: InstanceFacts): TableFacts {
  if (facts.table instanceof KamheapError) throw facts.table;
  return facts.table;
}

/** A table kamheap does not know or does not believe (exit 13 where it is needed) is kept as the reason; anything else is thrown. */
export function tableRefusal(error: unknown): KamheapError {
  if (error instanceof KamheapError && (error.kind === 'heap-not-found' || error.kind === 'not-kamailio')) return error;
  throw error;
}
