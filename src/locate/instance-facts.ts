// What one gdb run on an instance's executable tells, without attaching: where the process table and
// the heaps' roots are, which release it is, and the heap layouts its DWARF describes. `ps`,
// `doctor` and `walk --all` read the instance's memory with these, as `walk` does.
import { readLayoutKnowledge, type LayoutKnowledge } from './locate-heap.js';
import { symbolAddresses, withExecutable } from './static-symbols.js';

/** Runtime addresses of the variables the instance-wide commands read. */
export type InstanceSymbols = Record<'_shm_root' | '_pkg_root' | 'pt' | 'process_count' | 'core_cfg', bigint>;

export interface InstanceFacts {
  symbols: InstanceSymbols;
  knowledge: LayoutKnowledge;
}

/** The facts of PID's executable (one gdb, no attach). */
export function readInstanceFacts(pid: number, gdbPath?: string): Promise<InstanceFacts> {
  return withExecutable(pid, gdbPath === undefined ? {} : { gdbPath }, async (gdb, timeoutMs) => ({
    symbols: await symbolAddresses(gdb, pid, ['_shm_root', '_pkg_root', 'pt', 'process_count', 'core_cfg'], timeoutMs),
    knowledge: await readLayoutKnowledge(gdb, timeoutMs),
  }));
}
