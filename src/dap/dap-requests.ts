// Typed wrappers around the few DAP requests kamheap makes; raw bodies become domain values here.
// Never `terminate`, never `disconnect` with terminateDebuggee true, never `pause` or `continue`:
// kamheap only attaches, asks, reads and lets go.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { KamheapError } from '../errors.js';
import type { DapSession } from './dap-session.js';

/** Opens the protocol; the adapter's answer tells what it can do. */
export async function sendInitialize(dap: DapSession, timeoutMs: number): Promise<DebugProtocol.Capabilities> {
  const args: DebugProtocol.InitializeRequestArguments = {
    clientID: 'kamheap',
    clientName: 'kamheap',
    adapterID: 'kamheap',
    pathFormat: 'path',
    linesStartAt1: true,
    columnsStartAt1: true,
  };
  const response = await dap.request<DebugProtocol.InitializeResponse>('initialize', args, timeoutMs);
  return response.body ?? {};
}

/** An expression's value as the adapter prints it (`watch`: a value, not a command). */
export async function sendEvaluate(dap: DapSession, expression: string, timeoutMs: number): Promise<string> {
  const args: DebugProtocol.EvaluateArguments = { expression, context: 'watch' };
  return resultOf(await dap.request<DebugProtocol.EvaluateResponse>('evaluate', args, timeoutMs));
}

/**
 * A gdb CLI command through `evaluate` in the `repl` context (gdb's DAP runs it as typed at its
 * prompt), with its output. Only kamheap's fixed commands with checked numbers and names.
 */
export async function sendReplCommand(dap: DapSession, command: string, timeoutMs: number): Promise<string> {
  if (/[\u0000-\u001f\u007f]/.test(command)) throw new KamheapError('bad-input', 'refusing to pass a control character to the debugger');
  const args: DebugProtocol.EvaluateArguments = { expression: command, context: 'repl' };
  return resultOf(await dap.request<DebugProtocol.EvaluateResponse>('evaluate', args, timeoutMs));
}

/**
 * Attaches to `pid` with the executable already loaded. gdb answers the attach only once it has
 * had `configurationDone`, and reports the target stopped (`stopped`, reason attach) before that
 * answer: both are awaited, under one deadline each.
 */
export async function sendAttach(dap: DapSession, pid: number, timeoutMs: number): Promise<void> {
  const args: DebugProtocol.AttachRequestArguments & { pid: number } = { pid };
  const stopped = dap.waitForEvent('stopped', timeoutMs);
  const attached = dap.request<DebugProtocol.AttachResponse>('attach', args, timeoutMs);
  attached.catch(() => undefined);
  try {
    await dap.request<DebugProtocol.ConfigurationDoneResponse>('configurationDone', {}, timeoutMs);
    await attached;
  } catch (error) {
    stopped.cancel();
    throw error;
  }
  await stopped.promise;
}

/** Detaches and ends the debug session, leaving the target running: terminateDebuggee is always false. */
export async function sendDisconnect(dap: DapSession, timeoutMs: number): Promise<void> {
  const args: DebugProtocol.DisconnectArguments = { terminateDebuggee: false, restart: false };
  await dap.request<DebugProtocol.DisconnectResponse>('disconnect', args, timeoutMs);
}

/** Bytes of the stopped target; what the adapter could read, maybe fewer than asked for. */
export async function sendReadMemory(dap: DapSession, address: bigint, count: number, timeoutMs: number): Promise<Buffer> {
  const args: DebugProtocol.ReadMemoryArguments = { memoryReference: `0x${address.toString(16)}`, count };
  const response = await dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', args, timeoutMs);
  const data = response.body?.data;
  if (typeof data !== 'string' || response.body?.address === undefined) return Buffer.alloc(0);
  if (BigInt(response.body.address) !== address) return Buffer.alloc(0);
  return Buffer.from(data, 'base64');
}

function resultOf(response: DebugProtocol.EvaluateResponse): string {
  const result = response.body?.result;
  if (typeof result !== 'string') throw new KamheapError('gdb-failed', 'the debug adapter answered evaluate without a result');
  return result;
}
