// What kamheap needs from a debugger, whichever protocol it speaks (GDB/MI, or the Debug Adapter
// Protocol of gdb >= 14 and lldb-dap): the executable's symbols and types before any attach, the
// attach (the target stopped) and the detach (running again), and, when /proc/PID/mem cannot be
// opened, the target's memory while it is stopped. The walkers, info, ps and walk --all only see
// this; mi-debugger.ts and dap-debugger.ts are the two implementations.

/** The debuggers `--debugger` names (`auto` is resolved to one of them before anything starts). */
export type DebuggerName = 'gdb-mi' | 'gdb-dap' | 'lldb-dap';

/**
 * Why the executable is loaded: only to answer questions about its symbols (no attach follows);
 * to stop and resume the target while kamheap reads its memory itself; or to evaluate in the
 * stopped target (the script walker), for which the debugger relocates the symbols at the attach.
 */
export type LoadPurpose = 'symbols' | 'stop' | 'evaluate-in-target';

/** Questions about the executable the debugger holds (before an attach: link-time addresses). */
export interface SymbolSource {
  /**
   * The value of an expression built by kamheap from fixed templates and numbers, as the debugger
   * prints it; rejects with GdbCommandError when the debugger cannot evaluate it (no such symbol).
   */
  evaluate(expression: string, timeoutMs: number): Promise<string>;
  /** The DWARF type of a global variable from kamheap's fixed table, undefined without debug info for it. */
  variableType(symbol: string, timeoutMs: number): Promise<string | undefined>;
}

export interface Debugger extends SymbolSource {
  readonly name: DebuggerName;
  /** The debugger's process, leader of its own process group (what the guard kills). */
  readonly pid: number;
  readonly alive: boolean;
  /** Whether it can attach again after a detach (gdb over MI can; a DAP session debugs one process). */
  readonly reattachable: boolean;
  /** Loads PID's executable (/proc/PID/exe) and its own debug info, set up for `purpose`. */
  loadExecutable(pid: number, purpose: LoadPurpose, timeoutMs: number): Promise<void>;
  /** Attaches and resolves once the target is stopped; ptrace's refusals become user errors. */
  attach(pid: number, timeoutMs: number): Promise<void>;
  /** The processes the debugger holds now (it must hold none before another attach). */
  heldPids(timeoutMs: number): Promise<number[]>;
  /** Lets the target run again, never killing nor signalling it. */
  detach(timeoutMs: number): Promise<void>;
  /** Exactly `length` bytes of the stopped target at `address`; rejects with MemoryReadError. */
  readMemory(address: bigint, length: number, timeoutMs: number): Promise<Buffer>;
  /** Runs a gdb CLI command (`source FILE`), streaming its output: GDB/MI only (the script walker). */
  console(command: string, onConsole: (text: string) => void, timeoutMs: number): Promise<void>;
  /** Ends the debugger: asked to exit, its process group killed after `graceMs`. */
  close(graceMs?: number): Promise<void>;
  /** Kills the debugger's process group at once (the kernel detaches it from the target). */
  kill(): void;
}
