// `kamheap ps [<pid>]`: every process of the instance, with its role from Kamailio's own process
// table and its pkg heap totals, and the instance's shm totals. Nothing is stopped: only memory
// reads of running processes. Without a PID, every instance found running is listed.
import { Command } from 'commander';
import { KamheapError } from '../errors.js';
import { processListCsv } from '../export/csv-views.js';
import { printable } from '../export/printable.js';
import { renderProcessList } from '../export/process-list.js';
import { jsonDocument } from '../export/write-data.js';
import { findInstances, noInstanceError } from '../locate/find-instances.js';
import { collectProcesses, type ProcessList } from '../locate/instance-processes.js';
import type { ExecutableOptions } from '../locate/static-symbols.js';
import { isSameProcessAlive, readStat } from '../proc/process.js';
import { debuggerHelp, defaultDebugger, parseDebuggerOption, parsePid } from './options.js';
import { addOutputOptions, parseOutputOptions, writeChosenOutput, type RawOutputOptions } from './output-options.js';

const psFormats = ['text', 'json', 'csv'] as const;

/** Builds the command. */
export function psCommand(): Command {
  const command = new Command('ps')
    .description("list the processes of a Kamailio instance with their roles and pkg usage, and its shm usage (nothing is stopped)")
    .argument('[pid]', 'any process of the instance (default: every Kamailio instance running)')
    .option('--bytes', 'sizes as raw byte counts')
    .option('--gdb <path>', 'gdb executable to use (only to read symbol addresses)', 'gdb')
    .option('--debugger <name>', debuggerHelp, defaultDebugger);
  // json: schema kamheap.ps/1; without PID, an array of them, one per instance
  return addOutputOptions(command, psFormats, 'flag')
    .action(async (pidText: string | undefined, raw: RawOutputOptions & { bytes?: boolean; gdb?: string; debugger: string }) => {
      const output = parseOutputOptions(raw, psFormats, 'flag');
      const access: ExecutableOptions = { ...(raw.gdb === undefined ? {} : { gdbPath: raw.gdb }), debugger: parseDebuggerOption(raw.debugger, raw.gdb) };
      const lists = pidText === undefined ? await everyInstance(access) : [await collectProcesses(parsePid(pidText), access)];
      const style = raw.bytes ? 'raw' : 'human';
      await writeChosenOutput(output, {
        text: () => lists.map((list) => renderProcessList(list, style)).join('\n'),
        json: () => jsonDocument(pidText === undefined ? lists : lists[0]),
        csv: () => processListCsv(lists),
      });
    });
}

/**
 * The list of each instance found from /proc. One that ended meanwhile is left out; one that cannot
 * be read is a line on stderr, unless it is the only one (its error then). None at all: exit 3.
 */
async function everyInstance(access: ExecutableOptions): Promise<ProcessList[]> {
  const search = findInstances();
  const lists: ProcessList[] = [];
  const failures: KamheapError[] = [];
  for (const { pid } of search.instances) {
    const startTime = readStat(pid)?.startTime ?? 0;
    try {
      lists.push(await collectProcesses(pid, access));
    } catch (error) {
      if (!(error instanceof KamheapError)) throw error;
      if (isSameProcessAlive({ pid, startTime })) failures.push(error);
    }
  }
  if (lists.length === 0) throw failures[0] ?? noInstanceError(search);
  for (const failure of failures) process.stderr.write(`kamheap: ${printable(failure.message)} (instance left out)\n`);
  return lists;
}
