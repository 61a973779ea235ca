// `kamheap script <pid>`: print the GDB walk script for that process's heap, to run by hand.
import { Command } from 'commander';
import { withAttachedTarget } from '../gdb/attached-target.js';
import { inspectProcess } from '../locate/process.js';
import { openProcMem } from '../memory/proc-mem.js';
import { renderWalkScript } from '../walk/script-template.js';
import { locateHeap, prepareAttach } from '../walk/walk-request.js';
import { runAbortable } from './abort-on-signal.js';
import { heapSymbolHelp, parseHeapSymbol, parseHeapKind, parsePid, parseRange } from './options.js';

interface RawScriptOptions {
  heap: string;
  from?: string;
  to?: string;
  heapSymbol?: string;
  gdb?: string;
}

/** Builds the command: it attaches only long enough to identify allocator and layout. */
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
      process.stdout.write(await collectScript(pidText, raw));
    });
}

/** Generates the script text for the process's heap. */
export async function collectScript(pidText: string, raw: RawScriptOptions): Promise<string> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const range = parseRange(raw.from, raw.to);
  const heapSymbol = parseHeapSymbol(kind, raw.heapSymbol);
  const info = inspectProcess(pid);
  const memory = openProcMem(pid);
  try {
    return await runAbortable(undefined, async (signal) => {
      const prepared = prepareAttach({ pid, kind, signal, ...(heapSymbol ? { heapSymbol } : {}), ...(raw.gdb ? { gdbPath: raw.gdb } : {}) });
      const { value: heap } = await withAttachedTarget(prepared.options, () => locateHeap(memory, pid, prepared));
      return renderWalkScript({ pid, kind, root: heap.root, layout: heap.layout, from: range.from, to: range.to, executable: info.executable });
    });
  } finally {
    memory.close();
  }
}
