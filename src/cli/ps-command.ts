// `kamheap ps <pid>`: every process of the instance, with its role from Kamailio's own process
// table and its pkg heap totals. Nothing is stopped: only memory reads of running processes.
import { Command } from 'commander';
import { renderProcessList } from '../export/process-list.js';
import { collectProcesses } from '../locate/instance-processes.js';
import { debuggerHelp, defaultDebugger, parseDebuggerOption, parsePid } from './options.js';

/** Builds the command. */
export function psCommand(): Command {
  return new Command('ps')
    .description("list the processes of the Kamailio instance PID belongs to, with roles and pkg usage (nothing is stopped)")
    .argument('<pid>', 'any process of the instance')
    .option('--json', 'print the list as JSON (schema kamheap.ps/1)')
    .option('--gdb <path>', 'gdb executable to use (only to read symbol addresses)', 'gdb')
    .option('--debugger <name>', debuggerHelp, defaultDebugger)
    .action(async (pidText: string, raw: { json?: boolean; gdb?: string; debugger: string }) => {
      const pid = parsePid(pidText);
      const list = await collectProcesses(pid, { ...(raw.gdb === undefined ? {} : { gdbPath: raw.gdb }), debugger: parseDebuggerOption(raw.debugger, raw.gdb) });
      process.stdout.write(raw.json ? `${JSON.stringify(list, null, 2)}\n` : renderProcessList(list));
    });
}
