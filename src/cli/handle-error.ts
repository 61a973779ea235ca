// The one place errors become a line on stderr and an exit code; no stack traces for expected failures.
import { errnoReason, ExitCode, KamheapError } from '../errors.js';
import { printable } from '../export/printable.js';

/** Prints one line for the error and returns the exit code to use. */
export function handleError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof KamheapError) {
    // Messages quote file names, the user's arguments and what the target holds: printable only.
    stderr.write(`kamheap: ${printable(error.message)}\n`);
    // A choice to offer (the instances to pick a PID from): one indented line each.
    for (const line of error.detailLines) stderr.write(`  ${printable(line)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`kamheap: internal error: ${printable(message)}\n`);
  if (process.env['KAMHEAP_DEBUG'] && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return ExitCode.internal;
}

/** One line for a standard output that could not be written (a full disk, an I/O error); the exit code to use. */
export function writeFailureReport(error: NodeJS.ErrnoException, exitCode: number, stderr: NodeJS.WritableStream = process.stderr): number {
  stderr.write(`kamheap: cannot write the standard output: ${errnoReason(error)}\n`);
  return exitCode === ExitCode.ok ? ExitCode.badInput : exitCode;
}
