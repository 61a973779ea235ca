// `kamheap ps <pid>`: every process of the instance, with its role from Kamailio's own process
// table and its pkg heap totals. Nothing is stopped: only memory reads of running processes.
import { Command } from 'commander';
import { processListCsv } from '../export/csv-views.js';
import { renderProcessList } from '../export/process-list.js';
import { jsonDocument } from '../export/write-data.js';
import { collectProcesses } from '../locate/instance-processes.js';
import { parsePid } from './options.js';
import { addOutputOptions, parseOutputOptions, writeChosenOutput, type RawOutputOptions } from './output-options.js';

const psFormats = ['text', 'json', 'csv'] as const;

/** Builds the command. */
export function psCommand(): Command {
  const command = new Command('ps')
    .description("list the processes of the Kamailio instance PID belongs to, with roles and pkg usage (nothing is stopped)")
    .argument('<pid>', 'any process of the instance')
    .option('--gdb <path>', 'gdb executable to use (only to read symbol addresses)', 'gdb');
  // json: schema kamheap.ps/1
  return addOutputOptions(command, psFormats, 'flag')
    .action(async (pidText: string, raw: RawOutputOptions & { gdb?: string }) => {
      const output = parseOutputOptions(raw, psFormats, 'flag');
      const list = await collectProcesses(parsePid(pidText), raw.gdb);
      await writeChosenOutput(output, { text: () => renderProcessList(list), json: () => jsonDocument(list), csv: () => processListCsv(list) });
    });
}
