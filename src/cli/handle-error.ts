// The one place errors become a line on stderr and an exit code; no stack traces for expected failures.
import { ExitCode, KamheapError } from '../errors.js';

/** Prints one line for the error and returns the exit code to use. */
export function handleError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof KamheapError) {
    stderr.write(`kamheap: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`kamheap: internal error: ${message}\n`);
  if (process.env['KAMHEAP_DEBUG'] && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return ExitCode.internal;
}
