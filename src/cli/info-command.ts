// `kamheap info <pid>`: what kamheap detects about a Kamailio process, without stopping it.
import { Command } from 'commander';
import { pidLabel } from '../export/pid-label.js';
import { printable } from '../export/printable.js';
import { jsonDocument } from '../export/write-data.js';
import { collectInstanceInfo, type InstanceInfo } from '../locate/instance-info.js';
import { parsePid } from './options.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';

/** Builds the command. */
export function infoCommand(): Command {
  const command = new Command('info')
    .description('show the Kamailio version, allocator, layout source, sizes and debug fields of each heap, and the process role')
    .argument('<pid>', 'Kamailio process ID')
    .option('--gdb <path>', 'gdb executable to use (only to read symbols and DWARF)', 'gdb');
  // json: schema kamheap.info/1
  return addOutputOptions(command, textOrJson, 'flag')
    .action(async (pidText: string, raw: RawOutputOptions & { gdb: string }) => {
      const output = parseOutputOptions(raw, textOrJson, 'flag');
      const info = await collectInstanceInfo(parsePid(pidText), raw.gdb);
      await writeChosenOutput(output, { text: () => renderInfo(info), json: () => jsonDocument(info) });
    });
}

/** The info as text. */
export function renderInfo(info: InstanceInfo): string {
  const unknown = info.processTableError === undefined ? 'role unknown' : `role unknown (${printable(info.processTableError)})`;
  const role = info.role === null ? unknown : `"${printable(info.role)}" (process ${info.processIndex ?? '?'} of ${info.processCount ?? '?'})`;
  const lines = [`PID ${pidLabel(info)}: ${printable(info.version)}, ${printable(info.executable ?? 'executable unknown')}, ${role}`];
  const debug = info.compileFlags.filter((f) => f.startsWith('DBG_'));
  lines.push(`  memory debug build flags: ${debug.length > 0 ? printable(debug.join(', ')) : 'none'}`);
  for (const h of info.heaps) {
    lines.push(
      `  ${h.kind}: ${h.allocator} via ${h.rootSymbol}, layout ${h.layout} (${h.layoutSource}), debug fields ${h.debugFields ? 'yes' : 'no'}, ` +
        `size ${h.size} B, real used ${h.realUsed} B, max ${h.maxRealUsed} B, free ${h.free} B`,
      `    layout from ${h.layoutReason}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
