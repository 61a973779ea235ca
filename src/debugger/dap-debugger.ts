// The Debugger over the Debug Adapter Protocol, as gdb >= 14 speaks it (`gdb -i dap`): the same
// -nx start and settings as over MI (gdb-launch.ts), set through `evaluate` in the repl context;
// the executable loaded before the attach, so every symbol and type question is answered while
// the target runs; `attach` + `configurationDone`; `disconnect` with terminateDebuggee false. A DAP
// session attaches once: after its disconnect the adapter is spent (TargetSession opens another).
import { GdbCommandError, KamheapError, MemoryReadError } from '../errors.js';
import { attachError, checkedSymbol } from '../gdb/commands.js';
import { DapProtocolError, GdbPipeError } from '../gdb/gdb-errors.js';
import { afterLoadSettings, gdbLaunch, stopOnlySettings } from '../gdb/gdb-launch.js';
import { DapSession } from '../dap/dap-session.js';
import { sendAttach, sendDisconnect, sendEvaluate, sendInitialize, sendReadMemory, sendReplCommand } from '../dap/dap-requests.js';
import type { Debugger, LoadPurpose } from './debugger.js';

/** Largest single readMemory: its base64 answer stays well inside the frame bound (dap-framing.ts). */
export const maxReadBytes = 4 * 1024 * 1024;

export class DapDebugger implements Debugger {
  readonly name = 'gdb-dap';
  private held: number | undefined;
  private spent = false;

  private constructor(private readonly dap: DapSession) {}

  /** Starts `gdb -i dap` and opens the protocol; a gdb without DAP (< 14) is one line. */
  static async start(gdbPath: string | undefined, timeoutMs: number): Promise<DapDebugger> {
    const path = gdbPath ?? 'gdb';
    const dap = await DapSession.start(gdbLaunch(path, 'dap'));
    try {
      const capabilities = await sendInitialize(dap, timeoutMs);
      if (capabilities.supportsReadMemoryRequest !== true) throw new KamheapError('debugger-unsupported', `${path} speaks DAP but cannot read memory (no readMemory)`);
    } catch (error) {
      await dap.close(0);
      // Died before its first answer: a gdb without the DAP interpreter (gdb < 14 exits at once).
      if (error instanceof GdbPipeError && !(error instanceof DapProtocolError)) {
        throw new KamheapError('gdb-missing', `${path} has no DAP interpreter (gdb -i dap needs gdb 14 or later; see scripts/gdb16.sh): ${error.message}`, { cause: error });
      }
      throw error;
    }
    return new DapDebugger(dap);
  }

  get pid(): number {
    return this.dap.pid;
  }

  get alive(): boolean {
    return this.dap.alive;
  }

  /** False once this adapter has attached and let go: a DAP session debugs one process. */
  get reattachable(): boolean {
    return !this.spent;
  }

  async loadExecutable(pid: number, purpose: LoadPurpose, timeoutMs: number): Promise<void> {
    const target = checkedPid(pid);
    await this.repl(`set debug-file-directory /usr/lib/debug:/proc/${target}/root/usr/lib/debug`, timeoutMs);
    await this.repl(`file /proc/${target}/exe`, timeoutMs);
    if (purpose === 'symbols') return;
    const settings = purpose === 'evaluate-in-target' ? afterLoadSettings : [...afterLoadSettings, ...stopOnlySettings];
    for (const setting of settings) await this.repl(`set ${setting}`, timeoutMs);
  }

  evaluate(expression: string, timeoutMs: number): Promise<string> {
    return sendEvaluate(this.dap, expression, timeoutMs);
  }

  /** `whatis SYMBOL` prints `type = struct qm_block *`, or `<data variable, no debug info>` without DWARF. */
  async variableType(symbol: string, timeoutMs: number): Promise<string | undefined> {
    let text: string;
    try {
      text = await this.repl(`whatis ${checkedSymbol(symbol)}`, timeoutMs);
    } catch (error) {
      if (error instanceof GdbCommandError) return undefined;
      throw error;
    }
    const type = /^type = (.+)$/m.exec(text)?.[1]?.trim();
    return type === undefined || type.includes('no debug info') ? undefined : type;
  }

  async attach(pid: number, timeoutMs: number): Promise<void> {
    if (this.spent) throw new KamheapError('gdb-failed', 'this debug adapter has already detached once: not attaching again with it');
    this.held = checkedPid(pid);
    try {
      await sendAttach(this.dap, this.held, timeoutMs);
    } catch (error) {
      throw attachError(pid, error);
    }
  }

  async heldPids(): Promise<number[]> {
    return this.held === undefined ? [] : [this.held];
  }

  async detach(timeoutMs: number): Promise<void> {
    this.spent = true;
    await sendDisconnect(this.dap, timeoutMs);
    this.held = undefined;
  }

  async readMemory(address: bigint, length: number, timeoutMs: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const count = Math.min(maxReadBytes, length - done);
      const at = address + BigInt(done);
      let bytes: Buffer;
      try {
        bytes = await sendReadMemory(this.dap, at, count, timeoutMs);
      } catch (error) {
        throw new MemoryReadError(at, count, error);
      }
      if (bytes.length !== count) throw new MemoryReadError(at, count);
      bytes.copy(out, done);
      done += count;
    }
    return out;
  }

  console(): Promise<void> {
    return Promise.reject(
      new KamheapError('debugger-unsupported', 'the script walker runs a gdb script over GDB/MI: use --debugger gdb-mi, or the bulk walker'),
    );
  }

  close(graceMs?: number): Promise<void> {
    return this.dap.close(graceMs);
  }

  kill(): void {
    this.dap.kill();
  }

  private repl(command: string, timeoutMs: number): Promise<string> {
    return sendReplCommand(this.dap, command, timeoutMs);
  }
}

function checkedPid(pid: number): number {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new KamheapError('usage', `invalid PID: ${pid}`);
  return pid;
}
