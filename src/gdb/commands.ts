// Typed wrappers around the few MI commands kamheap uses. Raw MI values become domain values here.
import { GdbCommandError, KamheapError } from '../errors.js';
import { isMiTuple, miString, type MiTuple } from '../mi/mi-record.js';
import type { AfterLoadSetting } from './gdb-launch.js';
import type { GdbSession } from './gdb-session.js';
import { tracerOf } from '../proc/process.js';

/** Quotes text as a MI c-string; refuses control characters so no second command can be smuggled in. */
export function miQuote(text: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new KamheapError('bad-input', 'refusing to pass a control character to gdb');
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Where gdb looks for the executable's separate debug info (by build-id or .gnu_debuglink), set
 * before the executable is loaded: the host's /usr/lib/debug, and the target's own, seen through
 * /proc/PID/root, where a container's or chroot's `-dbgsym` package puts it.
 */
export async function sendDebugFileDirectory(gdb: GdbSession, pid: number, timeoutMs: number): Promise<void> {
  await gdb.send(`-gdb-set debug-file-directory /usr/lib/debug:/proc/${checkedPid(pid)}/root/usr/lib/debug`, { timeoutMs });
}

/** Loads the target's executable and symbols before attaching, so symbol loading is not part of the pause. */
export async function sendFileExecAndSymbols(gdb: GdbSession, pid: number, timeoutMs: number): Promise<void> {
  await gdb.send(`-file-exec-and-symbols ${miQuote(`/proc/${checkedPid(pid)}/exe`)}`, { timeoutMs });
}

/** Applies one of the fixed settings of gdb-launch.ts (never user text). */
export async function sendGdbSet(gdb: GdbSession, setting: AfterLoadSetting, timeoutMs: number): Promise<void> {
  await gdb.send(`-gdb-set ${setting}`, { timeoutMs });
}

/**
 * Attaches and waits until the target is stopped; maps ptrace failures to user errors. The wait
 * for `*stopped` is withdrawn when the attach fails, so no timer outlives it.
 */
export async function sendTargetAttach(gdb: GdbSession, pid: number, timeoutMs: number): Promise<void> {
  const stopped = gdb.waitForAsync((r) => r.kind === 'exec' && r.asyncClass === 'stopped', timeoutMs);
  try {
    await gdb.send(`-target-attach ${checkedPid(pid)}`, { timeoutMs });
  } catch (error) {
    stopped.cancel();
    throw attachError(pid, error);
  }
  await stopped.promise;
}

/**
 * The processes gdb holds (attached). kamheap asks before attaching another process with the same
 * gdb: `-target-attach` while gdb holds one would first kill it (gdb's attach command asks "A
 * program is being debugged already. Kill it?", and with `confirm off` the answer is yes).
 */
export async function sendHeldPids(gdb: GdbSession, timeoutMs: number): Promise<number[]> {
  // ^done,groups=[{id="i1",type="process",pid="23596",executable="/proc/23596/exe",cores=["0"]}]; no pid when none is held.
  const groups = (await gdb.send('-list-thread-groups', { timeoutMs }))['groups'];
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((group) => (isMiTuple(group) && typeof group['pid'] === 'string' ? [Number(group['pid'])] : []));
}

/** Detaches, leaving the target running. */
export async function sendTargetDetach(gdb: GdbSession, timeoutMs: number): Promise<void> {
  await gdb.send('-target-detach', { timeoutMs });
}

/** Evaluates an expression built by kamheap from fixed templates and numbers. */
export async function sendDataEvaluateExpression(gdb: GdbSession, expression: string, timeoutMs: number): Promise<string> {
  const results = await gdb.send(`-data-evaluate-expression ${miQuote(expression)}`, { timeoutMs });
  return miString(results, 'value');
}

/**
 * The DWARF type of a global or static variable (`struct qm_block *`), or undefined when the
 * executable has no debug info for it. The name comes from kamheap's fixed table of symbols.
 */
export async function sendSymbolInfoVariableType(gdb: GdbSession, symbol: string, timeoutMs: number): Promise<string | undefined> {
  return variableTypeOf(await gdb.send(`-symbol-info-variables --name ${miQuote(`^${checkedSymbol(symbol)}$`)}`, { timeoutMs }), symbol);
}

/** A C identifier, the only kind of symbol name kamheap puts into a gdb command. */
export function checkedSymbol(symbol: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol)) throw new KamheapError('usage', `invalid symbol name "${symbol}"`);
  return symbol;
}

/** Picks the variable's type out of a `-symbol-info-variables` result (debug symbols only). */
export function variableTypeOf(results: MiTuple, symbol: string): string | undefined {
  const symbols = results['symbols'];
  const files = isMiTuple(symbols) ? symbols['debug'] : undefined;
  if (!Array.isArray(files)) return undefined;
  for (const file of files) {
    const entries = isMiTuple(file) ? file['symbols'] : undefined;
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (isMiTuple(entry) && entry['name'] === symbol && typeof entry['type'] === 'string') return entry['type'];
    }
  }
  return undefined;
}

/** Runs a CLI command (e.g. `source FILE`), streaming its console output. */
export async function sendInterpreterExecConsole(
  gdb: GdbSession,
  command: string,
  onConsole: (text: string) => void,
  timeoutMs: number,
): Promise<void> {
  await gdb.send(`-interpreter-exec console ${miQuote(command)}`, { onConsole, timeoutMs });
}

function checkedPid(pid: number): number {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new KamheapError('usage', `invalid PID: ${pid}`);
  return pid;
}

/** Translates gdb's attach errors (ptrace's words, over MI or DAP) into the user-facing kinds. */
export function attachError(pid: number, error: unknown): unknown {
  if (!(error instanceof GdbCommandError)) return error;
  const message = error.message;
  if (/No such process/i.test(message)) return new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
  if (/Operation not permitted|ptrace_scope|Permission denied/i.test(message)) {
    // Another debugger that got there first (between kamheap's own check and the attach).
    const tracer = tracerOf(pid);
    if (tracer) return new KamheapError('permission', `PID ${pid} is already traced by PID ${tracer.pid} (${tracer.comm})`, { cause: error });
    return new KamheapError(
      'permission',
      `not allowed to attach to PID ${pid}: run as root or with CAP_SYS_PTRACE (see /proc/sys/kernel/yama/ptrace_scope)`,
      { cause: error },
    );
  }
  return new KamheapError('gdb-failed', `cannot attach to PID ${pid}: ${message.replace(/^gdb: /, '')}`, { cause: error });
}

/**
 * `length` bytes of the stopped target at `address`, as one block. gdb answers
 * `^done,memory=[{begin="0x5631fc999fa0",offset="0x0000000000000000",end="0x5631fc999fb8",contents="0a1b..."}]`, with only the
 * readable part of the range: anything shorter than asked for is an error.
 */
export async function sendDataReadMemoryBytes(gdb: GdbSession, address: bigint, length: number, timeoutMs: number): Promise<Buffer> {
  if (!Number.isSafeInteger(length) || length <= 0 || address < 0n) throw new Error(`read of ${length} bytes at ${address}`);
  const results = await gdb.send(`-data-read-memory-bytes 0x${address.toString(16)} ${length}`, { timeoutMs });
  const blocks = results['memory'];
  const first = Array.isArray(blocks) && blocks.length === 1 && isMiTuple(blocks[0]) ? blocks[0] : undefined;
  const contents = first ? first['contents'] : undefined;
  const offset = first ? first['offset'] : undefined;
  if (!first || typeof offset !== 'string' || !/^0x0+$/.test(offset) || typeof contents !== 'string' || contents.length !== length * 2 || !/^[0-9a-f]*$/i.test(contents)) {
    throw new KamheapError('memory-read', `gdb read less than ${length} bytes at 0x${address.toString(16)}`);
  }
  return Buffer.from(contents, 'hex');
}
