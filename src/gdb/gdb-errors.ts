// Transport-level gdb failures, each with a kind the CLI maps to an exit code.
import { KamheapError } from '../errors.js';

/** gdb exited or its pipes broke while commands were pending. */
export class GdbPipeError extends KamheapError {
  constructor(message: string, cause?: unknown) {
    super('gdb-failed', message, { cause });
    this.name = 'GdbPipeError';
  }
}

/** A command got no answer in time. */
export class GdbTimeoutError extends KamheapError {
  constructor(command: string, timeoutMs: number) {
    super('timeout', `gdb did not answer within ${Math.round(timeoutMs / 1000)} s (${command.split(' ')[0]})`, {
      context: { command, timeoutMs },
    });
    this.name = 'GdbTimeoutError';
  }
}

/** A command was abandoned because the session is being torn down (Ctrl-C, SIGTERM, deadline). */
export class GdbCommandCancelled extends KamheapError {
  constructor(command: string, reason: 'interrupted' | 'timeout') {
    super(reason, reason === 'timeout' ? 'timed out, target detached' : 'interrupted, target detached', {
      context: { command },
    });
    this.name = 'GdbCommandCancelled';
  }
}
