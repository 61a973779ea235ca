// One way to choose a command's output: `--format FMT` (the formats that command supports; text by
// default) and `-o, --output FILE` ("-" or absent: stdout), parsed once into an OutputChoice. The
// older `--json` is kept as it was documented and mapped onto them: as a flag (diff, ps, info,
// doctor, watch, inspect, parse-log) it is `--format json`; as `--json FILE|-` (walk, parse) it
// writes the snapshot (json, or ndjson with `--format ndjson`) to FILE while the text report still
// goes to stdout, unless FILE is "-".
import type { Command } from 'commander';
import { KamheapError } from '../errors.js';
import type { OutputContent } from '../export/output-file.js';
import { writeData, type OutputFormat } from '../export/write-data.js';

/** The formats of a command whose data is a report or a JSON document (info, doctor, watch, inspect). */
export const textOrJson = ['text', 'json'] as const;

/** How the command's deprecated --json works. */
export type LegacyJson = 'flag' | 'file';

/** The output a run writes, checked. */
export interface OutputChoice<F extends OutputFormat = OutputFormat> {
  format: F;
  /** "-" for stdout, else a file written safely (output-file.ts). */
  target: string;
  /** The deprecated `--json FILE`: the text report goes to stdout as well. */
  textToStdout: boolean;
}

/** The options as commander hands them over. */
export interface RawOutputOptions {
  format?: string;
  output?: string;
  json?: string | boolean;
}

/** Help of the deprecated --json, naming what replaces it. */
const legacyHelp: Record<LegacyJson, string> = {
  flag: 'deprecated: use --format json (same output)',
  file: 'deprecated: use --format json -o FILE; writes the snapshot to FILE (json, or ndjson with --format ndjson) and the summary to stdout, or only the snapshot to stdout with "-"',
};

/** Adds --format, -o/--output and, where the command had it, the deprecated --json. */
export function addOutputOptions(command: Command, formats: readonly OutputFormat[], legacy?: LegacyJson): Command {
  command
    .option('--format <format>', `output format: ${formats.join(', ')} (default ${formats[0] ?? 'text'})`)
    .option('-o, --output <file>', 'write the output to FILE, through a temp file renamed over it ("-": stdout, the default)');
  if (legacy === 'flag') command.option('--json', legacyHelp.flag);
  if (legacy === 'file') command.option('--json <file>', legacyHelp.file);
  return command;
}

/** Checks the output options against the formats the command supports; a mistake is a usage error. */
export function parseOutputOptions<F extends OutputFormat>(raw: RawOutputOptions, formats: readonly F[], legacy?: LegacyJson): OutputChoice<F> {
  const format = raw.format === undefined ? undefined : parseFormat(raw.format, formats);
  if (raw.output === '') throw new KamheapError('usage', '-o/--output needs a file name, or - for stdout');
  if (raw.json === undefined || raw.json === false) return checked({ format: format ?? defaultFormat(formats), target: raw.output ?? '-', textToStdout: false });
  if (legacy === 'file' && typeof raw.json === 'string') {
    if (raw.output !== undefined) throw new KamheapError('usage', '--json FILE and -o/--output both name the output: give one (--format json -o FILE)');
    const snapshot = format ?? parseFormat('json', formats);
    if (snapshot !== 'json' && snapshot !== 'ndjson') throw new KamheapError('usage', `--json FILE writes json or ndjson; for --format ${snapshot} give -o FILE instead of --json`);
    return checked({ format: snapshot, target: raw.json, textToStdout: raw.json !== '-' });
  }
  if (format !== undefined && format !== 'json') throw new KamheapError('usage', `--json is --format json: it cannot go with --format ${format}`);
  return checked({ format: parseFormat('json', formats), target: raw.output ?? '-', textToStdout: false });
}

/** True when stdout carries data (not the text report): then nothing else may go there, not even a spinner's worth of noise. */
export function dataOnStdout(choice: OutputChoice): boolean {
  return choice.target === '-' && choice.format !== 'text';
}

/** Writes the output in the chosen format; `renderers` has one entry per format the command supports. */
export async function writeChosenOutput<F extends OutputFormat>(choice: OutputChoice<F>, renderers: Record<F, () => OutputContent>): Promise<void> {
  await writeData(choice.target, renderers[choice.format]());
}

/** --fragments (walk, parse) go into a json or ndjson snapshot or the html page's heap map; a table or a profile has no place for them. */
export function checkFragmentsFormat(fragments: boolean, format: OutputFormat): void {
  if (fragments && format !== 'json' && format !== 'ndjson' && format !== 'html' && format !== 'text') {
    throw new KamheapError('usage', `--fragments goes into a json or ndjson snapshot or the html page's heap map, not into --format ${format}`);
  }
}

// One of the command's formats, or a usage error naming them.
function parseFormat<F extends OutputFormat>(text: string, formats: readonly F[]): F {
  const found = formats.find((f) => f === text);
  if (found === undefined) throw new KamheapError('usage', `--format must be one of ${formats.join(', ')} for this command, not "${text}"`);
  return found;
}

// The first format listed is the command's default.
function defaultFormat<F extends OutputFormat>(formats: readonly F[]): F {
  const first = formats[0];
  if (first === undefined) throw new KamheapError('usage', 'a command without output formats');
  return first;
}

// pprof is binary: on a terminal it would only scramble the screen.
function checked<F extends OutputFormat>(choice: OutputChoice<F>): OutputChoice<F> {
  if (choice.format === 'pprof' && choice.target === '-' && process.stdout.isTTY) {
    throw new KamheapError('usage', '--format pprof is binary (gzipped profile.proto): give -o FILE, or pipe it');
  }
  return choice;
}
