// Wires the commands; nothing else lives here. `main` returns the exit code instead of exiting.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { toolVersion } from '../util/version.js';
import { printableLines } from '../export/printable.js';
import { guardStdio, isClosedPipeError, settleStdout, stdoutWriteFailure } from '../export/closed-output.js';
import { handleError, writeFailureReport } from './handle-error.js';
import { diffCommand } from './diff-command.js';
import { doctorCommand } from './doctor-command.js';
import { infoCommand } from './info-command.js';
import { inspectCommand } from './inspect-command.js';
import { parseCommand } from './parse-command.js';
import { parseLogCommand } from './parse-log-command.js';
import { psCommand } from './ps-command.js';
import { reportCommand } from './report-command.js';
import { scriptCommand } from './script-command.js';
import { serveCommand } from './serve-command.js';
import { walkCommand } from './walk-command.js';
import { watchCommand } from './watch-command.js';

/** Runs the CLI with the given argv (process.argv shape) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // Before anything is written: a reader that goes away must not turn into a stack trace.
  guardStdio();
  const exitCode = await run(argv);
  await settleStdout();
  const failure = stdoutWriteFailure();
  return failure === undefined ? exitCode : writeFailureReport(failure, exitCode);
}

// Parses the command line and runs the command.
async function run(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('kamheap')
    .description("walk a live Kamailio's pkg/shm heap through GDB: allocation summaries and JSON heap snapshots")
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      writeOut: (text) => process.stdout.write(text),
      // Usage errors quote the arguments as typed: escape sequences in them stay text.
      outputError: (text, write) => write(printableLines(text)),
    })
    .showHelpAfterError('(run kamheap --help for usage)')
    .addHelpText('after', '\nExit codes: see the README ("Exit codes"). Snapshot schema: schema/snapshot.schema.json.');
  for (const command of [walkCommand(setExitCode), scriptCommand(), parseCommand(setExitCode), parseLogCommand(setExitCode), diffCommand(setExitCode), psCommand(), doctorCommand(), watchCommand(), infoCommand(), inspectCommand(), serveCommand()]) {
    program.addCommand(command.exitOverride());
  }
  program.addCommand(reportCommand().exitOverride());
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // A reader gone away while a write was awaited: the output ends, the run keeps its code.
    if (isClosedPipeError(error)) return exitCode;
    return handleError(error);
  }
  return exitCode;
}
