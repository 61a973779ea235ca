// Addresses of Kamailio's exported variables in a running process, found without attaching: gdb reads
// the executable's symbols (link-time addresses) and the load bias comes from /proc/PID/maps.
import { GdbCommandError, KamheapError } from '../errors.js';
import { checkedSymbol } from '../gdb/commands.js';
import type { DebuggerName, SymbolSource } from '../debugger/debugger.js';
import { startDebugger } from '../debugger/start-debugger.js';
import { loadBias } from './load-bias.js';

/** The variables kamheap reads without stopping the process (fixed names, never user text). */
export type KamailioSymbol = '_pkg_root' | '_shm_root' | 'pt' | 'process_count' | 'core_cfg';

export interface ExecutableOptions {
  gdbPath?: string;
  debugger?: DebuggerName;
  timeoutMs?: number;
}

/** A caller's gdb path (the MI commands' old argument) or full options, as options. */
export function executableOptions(given: string | ExecutableOptions | undefined): ExecutableOptions {
  return typeof given === 'string' ? { gdbPath: given } : (given ?? {});
}

/** Runs `fn` with gdb holding the process's executable and symbols, never attached to the process. */
export async function withExecutable<T>(pid: number, options: ExecutableOptions, fn: (gdb: SymbolSource, timeoutMs: number) => Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const gdb = await startDebugger(options.debugger ?? 'gdb-mi', options.gdbPath);
  try {
    await gdb.loadExecutable(pid, 'symbols', timeoutMs);
    return await fn(gdb, timeoutMs);
  } finally {
    await gdb.close();
  }
}

/**
 * The symbol's address as gdb knows it: link-time before an attach, relocated once attached. A
 * missing memory API means an older Kamailio; any other missing symbol, not Kamailio at all.
 */
export async function symbolAddress(gdb: SymbolSource, pid: number, symbol: KamailioSymbol, timeoutMs: number): Promise<bigint> {
  const address = await findSymbolAddress(gdb, symbol, timeoutMs);
  if (address !== undefined) return address;
  if ((symbol === '_pkg_root' || symbol === '_shm_root') && (await findSymbolAddress(gdb, 'mem_block', timeoutMs)) !== undefined) {
    throw new KamheapError(
      'heap-not-found',
      `PID ${pid} is an older Kamailio (mem_block, no ${symbol}): ps, doctor and walk --all need the memory API (Kamailio 4.4 and later); walk, script and info work on it`,
    );
  }
  throw new KamheapError('not-kamailio', `PID ${pid} is not a Kamailio process (its executable has no ${symbol})`);
}

/**
 * The address of a symbol from kamheap's fixed tables, or undefined when the executable has none.
 * Never called with user text: the name becomes part of a gdb expression.
 */
export async function findSymbolAddress(gdb: SymbolSource, symbol: string, timeoutMs: number): Promise<bigint | undefined> {
  try {
    return BigInt(await gdb.evaluate(`(unsigned long)&${checkedSymbol(symbol)}`, timeoutMs));
  } catch (error) {
    if (error instanceof GdbCommandError) return undefined;
    throw error;
  }
}

/** Runtime addresses of the symbols in `pid`, with gdb already holding its executable. */
export async function symbolAddresses<S extends KamailioSymbol>(gdb: SymbolSource, pid: number, symbols: readonly S[], timeoutMs: number): Promise<Record<S, bigint>> {
  const bias = loadBias(pid);
  const out = {} as Record<S, bigint>;
  for (const symbol of symbols) out[symbol] = bias + (await symbolAddress(gdb, pid, symbol, timeoutMs));
  return out;
}

/** Runtime addresses of the symbols in `pid`; the process is never stopped. */
export function resolveSymbols<S extends KamailioSymbol>(pid: number, symbols: readonly S[], options: ExecutableOptions = {}): Promise<Record<S, bigint>> {
  return withExecutable(pid, options, (gdb, timeoutMs) => symbolAddresses(gdb, pid, symbols, timeoutMs));
}
