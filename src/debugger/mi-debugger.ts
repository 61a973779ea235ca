// The Debugger of kamheap's first backend: gdb over GDB/MI (gdb-session.ts, commands.ts).
import { MemoryReadError } from '../errors.js';
import {
  sendDataEvaluateExpression,
  sendDataReadMemoryBytes,
  sendDebugFileDirectory,
  sendFileExecAndSymbols,
  sendGdbSet,
  sendHeldPids,
  sendInterpreterExecConsole,
  sendSymbolInfoVariableType,
  sendTargetAttach,
  sendTargetDetach,
} from '../gdb/commands.js';
import { afterLoadSettings, stopOnlySettings } from '../gdb/gdb-launch.js';
import { GdbSession } from '../gdb/gdb-session.js';
import type { Debugger, LoadPurpose } from './debugger.js';

export class MiDebugger implements Debugger {
  readonly name = 'gdb-mi';
  readonly reattachable = true;

  constructor(readonly gdb: GdbSession) {}

  /** Starts gdb (`-nx --interpreter=mi3`, gdb-launch.ts). */
  static async start(gdbPath?: string): Promise<MiDebugger> {
    return new MiDebugger(await GdbSession.start(gdbPath === undefined ? {} : { gdbPath }));
  }

  get pid(): number {
    return this.gdb.pid;
  }

  get alive(): boolean {
    return this.gdb.alive;
  }

  async loadExecutable(pid: number, purpose: LoadPurpose, timeoutMs: number): Promise<void> {
    await sendDebugFileDirectory(this.gdb, pid, timeoutMs);
    await sendFileExecAndSymbols(this.gdb, pid, timeoutMs);
    if (purpose === 'symbols') return;
    const settings = purpose === 'evaluate-in-target' ? afterLoadSettings : [...afterLoadSettings, ...stopOnlySettings];
    for (const setting of settings) await sendGdbSet(this.gdb, setting, timeoutMs);
  }

  evaluate(expression: string, timeoutMs: number): Promise<string> {
    return sendDataEvaluateExpression(this.gdb, expression, timeoutMs);
  }

  variableType(symbol: string, timeoutMs: number): Promise<string | undefined> {
    return sendSymbolInfoVariableType(this.gdb, symbol, timeoutMs);
  }

  attach(pid: number, timeoutMs: number): Promise<void> {
    return sendTargetAttach(this.gdb, pid, timeoutMs);
  }

  heldPids(timeoutMs: number): Promise<number[]> {
    return sendHeldPids(this.gdb, timeoutMs);
  }

  detach(timeoutMs: number): Promise<void> {
    return sendTargetDetach(this.gdb, timeoutMs);
  }

  async readMemory(address: bigint, length: number, timeoutMs: number): Promise<Buffer> {
    try {
      return await sendDataReadMemoryBytes(this.gdb, address, length, timeoutMs);
    } catch (error) {
      throw new MemoryReadError(address, length, error);
    }
  }

  console(command: string, onConsole: (text: string) => void, timeoutMs: number): Promise<void> {
    return sendInterpreterExecConsole(this.gdb, command, onConsole, timeoutMs);
  }

  close(graceMs?: number): Promise<void> {
    return this.gdb.close(graceMs);
  }

  kill(): void {
    this.gdb.kill();
  }
}
