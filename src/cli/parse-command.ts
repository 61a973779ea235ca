// `kamheap parse <file>`: turn the output of a hand-run walk script into the same summary/snapshot.
import { Command } from 'commander';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { KamheapError } from '../errors.js';
import { renderTextReport } from '../export/text-report.js';
import { checkOutputFile } from '../export/output-file.js';
import { snapshotFormats, snapshotRenderers } from '../export/snapshot-formats.js';
import type { FragmentList } from '../snapshot/fragment-list.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { sizeText, readLines } from '../util/read-lines.js';
import { ScriptOutputParser } from '../walk/parse-script-output.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';
import { addOutputOptions, checkFragmentsFormat, parseOutputOptions, writeChosenOutput, type RawOutputOptions } from './output-options.js';
import { walkExitCode } from './walk-command.js';

interface RawParseOptions extends RawOutputOptions, RawViewOptions {
  fragments?: boolean;
}

/** Builds the command. */
export function parseCommand(setExitCode: (code: number) => void): Command {
  const command = new Command('parse')
    .description('parse the output of a walk script run by hand (gdb --batch --command=walk.gdb ... > walk.out)')
    .argument('<file>', 'the saved output, or - for stdin')
    .option('--fragments', 'include every fragment in the json or ndjson snapshot');
  return addOutputOptions(addViewOptions(command, { top: '20' }), snapshotFormats, 'file')
    .action(async (file: string, raw: RawParseOptions) => {
      const view = parseViewOptions(raw);
      const output = parseOutputOptions(raw, snapshotFormats, 'file');
      checkFragmentsFormat(raw.fragments === true, output.format);
      await checkOutputFile(output.target);
      const { snapshot, fragments } = await collectParse(file, raw.fragments === true);
      const text = (): string => renderTextReport(snapshot, view);
      await writeChosenOutput(output, { text, ...snapshotRenderers(snapshot, fragments) });
      if (output.textToStdout) process.stdout.write(text());
      setExitCode(walkExitCode(snapshot));
    });
}

/** Longest line of walk output read (its own lines are under 1 KiB; gdb's chatter is short too). */
export const walkOutputMaxLine = 64 << 10;

/** Reads and parses the file into a snapshot, streaming it line by line into the parser. */
export async function collectParse(file: string, includeFragments: boolean): Promise<{ snapshot: Snapshot; fragments: FragmentList | undefined }> {
  const parser = new ScriptOutputParser();
  let input: Readable | undefined;
  try {
    input = file === '-' ? process.stdin : await openInput(file);
    for await (const line of readLines(input, { name: file, maxLineBytes: walkOutputMaxLine })) {
      if (line.text === undefined) throw new KamheapError('bad-input', `${file}: line ${line.number} is longer than ${sizeText(walkOutputMaxLine)}: not kamheap walk output`);
      parser.line(line.text);
      // What comes after KH_END is gdb's chatter: past 1 MiB of it, the rest is not read.
      if (parser.enough) break;
    }
  } catch (error) {
    if (error instanceof KamheapError) throw error;
    throw new KamheapError('bad-input', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  } finally {
    // Stop reading stdin too (a pipe that has more), so the run can end.
    input?.destroy();
  }
  const output = parser.finish({ executable: null, pauseMs: null, durationMs: null });
  return { snapshot: buildSnapshot(output), fragments: includeFragments ? output.fragments : undefined };
}

// A read stream of the file, opened first so that a missing or unreadable file fails here.
async function openInput(file: string): Promise<Readable> {
  const handle = await open(file, 'r');
  return handle.createReadStream();
}
