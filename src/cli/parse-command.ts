// `kamheap parse <file>`: turn the output of a hand-run walk script into the same summary/snapshot.
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { KamheapError } from '../errors.js';
import { renderTextReport } from '../export/text-report.js';
import { checkOutputFile } from '../export/output-file.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { parseScriptOutput } from '../walk/parse-script-output.js';
import { parseCount } from './options.js';
import { walkExitCode } from './walk-command.js';

interface RawParseOptions {
  json?: string;
  fragments?: boolean;
  top: string;
}

/** Builds the command. */
export function parseCommand(setExitCode: (code: number) => void): Command {
  return new Command('parse')
    .description('parse the output of a walk script run by hand (gdb --batch --command=walk.gdb ... > walk.out)')
    .argument('<file>', 'the saved output, or - for stdin')
    .option('--json <file>', 'write a JSON snapshot to FILE, or to stdout with "-"')
    .option('--fragments', 'include every fragment in the JSON snapshot')
    .option('--top <k>', 'allocation sites to show in the summary', '20')
    .action(async (file: string, raw: RawParseOptions) => {
      const top = parseCount(raw.top, '--top');
      await checkOutputFile(raw.json);
      const snapshot = await collectParse(file, raw.fragments === true);
      if (raw.json !== undefined) await writeSnapshotJson(snapshot, raw.json);
      if (raw.json !== '-') process.stdout.write(renderTextReport(snapshot, top));
      setExitCode(walkExitCode(snapshot));
    });
}

/** Reads and parses the file into a snapshot. */
export async function collectParse(file: string, includeFragments: boolean): Promise<Snapshot> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new KamheapError('bad-input', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  return buildSnapshot(parseScriptOutput(text), { includeFragments });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
