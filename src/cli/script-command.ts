// `kamheap script <pid>`: print the GDB walk script for that process's heap, to run by hand.
import { Command } from 'commander';
import { TargetSession } from '../gdb/target-session.js';
import { openProcMem } from '../memory/proc-mem.js';
import { renderWalkScript } from '../walk/script-template.js';
import { planHeap } from '../walk/walk-request.js';
import { runControlled } from './run-controlled.js';
import { heapSymbolHelp, parseHeapSymbol, parseHeapKind, parsePid, parseRange } from './options.js';

interface RawScriptOptions {
  heap: string;
  from?: string;
  to?: string;
  heapSymbol?: string;
  gdb?: string;
}

/** Builds the command. It never stops the process: allocator and layout are read while it runs. */
export function scriptCommand(): Command {
  return new Command('script')
    .description('print the GDB batch script that walks the heap (run it with gdb --batch, then kamheap parse)')
    .argument('<pid>', 'Kamailio process ID')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--from <n>', 'first fragment index to print')
    .option('--to <m>', 'stop before this fragment index')
    .option('--heap-symbol <name>', heapSymbolHelp)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .action(async (pidText: string, raw: RawScriptOptions) => {
      const script = await collectScript(pidText, raw);
      process.stdout.write(script);
    });
}

/**
 * Generates the script text for the process's heap: the root from the executable's symbols, the
 * allocator from the running process's memory API (its manager's name never changes once it runs).
 */
export async function collectScript(pidText: string, raw: RawScriptOptions): Promise<string> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const range = parseRange(raw.from, raw.to);
  const heapSymbol = parseHeapSymbol(kind, raw.heapSymbol);
  return runControlled(undefined, async (control) => {
    const memory = openProcMem(pid);
    try {
      const session = await TargetSession.open({ pid, control, ...(raw.gdb ? { gdbPath: raw.gdb } : {}) });
      const plan = await session.closeAfter(() => planHeap(session, memory, { kind, ...(heapSymbol ? { heapSymbol } : {}) }));
      return renderWalkScript({ pid, kind, root: plan.heap, layout: plan.layout, from: range.from, to: range.to, executable: session.target.executable });
    } finally {
      memory.close();
    }
  });
}
