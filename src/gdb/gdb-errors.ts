// Transport-level gdb failures, each with a kind the CLI maps to an exit code.
import { KamheapError } from '../errors.js';

/** gdb exited or its pipes broke while commands were pending. */
export class GdbPipeError extends KamheapError {
  constructor(message: string, cause?: unknown) {
    super('gdb-failed', message, { cause });
    this.name = 'GdbPipeError';
  }
}

/** A command got no answer in time: gdb is presumed hung (stopped, deadlocked) and is killed. */
export class GdbTimeoutError extends KamheapError {
  constructor(command: string, timeoutMs: number) {
    super('gdb-failed', `gdb did not answer within ${timeoutMs / 1000} s (${command.split(' ')[0]})`, {
      context: { command, timeoutMs },
    });
    this.name = 'GdbTimeoutError';
  }
}

/**
 * A debug adapter (gdb -i dap, lldb-dap) wrote something that is not the Debug Adapter Protocol,
 * or more than kamheap accepts: the adapter is ended, as a gdb whose pipe broke would be.
 */
export class DapProtocolError extends GdbPipeError {
  constructor(message: string) {
    super(`the debug adapter broke the protocol: ${message}`);
    this.name = 'DapProtocolError';
  }
}

