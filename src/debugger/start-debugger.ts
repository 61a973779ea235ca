// Which debugger `--debugger` names, and starting it. `auto` keeps gdb over MI wherever a gdb is
// installed (every gdb speaks MI); only where none is but a debug adapter is, it names the adapter.
import { KamheapError } from '../errors.js';
import { resolveExecutable } from '../gdb/gdb-launch.js';
import { DapDebugger } from './dap-debugger.js';
import type { Debugger, DebuggerName } from './debugger.js';
import { MiDebugger } from './mi-debugger.js';

/** What `--debugger` accepts. */
export type DebuggerChoice = DebuggerName | 'auto';

/** How long the adapter has to answer `initialize`. */
const initializeMs = 10_000;

/** lldb's adapters as Debian names them (lldb-dap from LLVM 17, lldb-vscode before). */
const lldbAdapters = ['lldb-dap', 'lldb-dap-19', 'lldb-dap-18', 'lldb-dap-17', 'lldb-vscode-16', 'lldb-vscode-15', 'lldb-vscode-14', 'lldb-vscode'];

/** --debugger as a typed choice; anything else is a usage error. */
export function parseDebugger(text: string): DebuggerChoice {
  if (text === 'gdb-mi' || text === 'gdb-dap' || text === 'lldb-dap' || text === 'auto') return text;
  throw new KamheapError('usage', `--debugger must be gdb-mi, gdb-dap, lldb-dap or auto, not "${text}"`);
}

/** `auto` resolved: gdb-mi when `gdbPath` (default gdb) is installed, lldb-dap when only an lldb adapter is; else gdb-mi (whose start says gdb is missing). */
export function resolveDebugger(choice: DebuggerChoice, gdbPath = 'gdb'): DebuggerName {
  if (choice !== 'auto') return choice;
  if (resolveExecutable(gdbPath)) return 'gdb-mi';
  return lldbAdapters.some((name) => resolveExecutable(name)) ? 'lldb-dap' : 'gdb-mi';
}

/**
 * Refuses, before anything starts, what a debugger cannot do. lldb's adapters in Debian attach
 * and detach, but do not serve kamheap: lldb-vscode-15 (Debian 12) answers `evaluate` of
 * `(unsigned long)&_pkg_root` and `(char *) &ver_version` with "error: No value", and never answers
 * `readMemory` (later ones abort on it); the script walker is a gdb script run over MI.
 */
export function checkDebuggerFits(name: DebuggerName, needs: { scriptWalker?: boolean } = {}): void {
  if (name === 'lldb-dap') {
    throw new KamheapError(
      'debugger-unsupported',
      "lldb-dap cannot serve kamheap: its evaluate answers kamheap's symbol questions with \"No value\" and its readMemory hangs or aborts the adapter; use --debugger gdb-mi or gdb-dap",
    );
  }
  if (needs.scriptWalker && name !== 'gdb-mi') {
    throw new KamheapError('debugger-unsupported', `the script walker runs a gdb script over GDB/MI, not over ${name}: use --debugger gdb-mi, or the bulk walker`);
  }
}

/** Starts the named debugger (`gdbPath`: its executable, default gdb). */
export function startDebugger(name: DebuggerName, gdbPath?: string): Promise<Debugger> {
  checkDebuggerFits(name);
  if (name === 'gdb-dap') return DapDebugger.start(gdbPath, initializeMs);
  return MiDebugger.start(gdbPath);
}
