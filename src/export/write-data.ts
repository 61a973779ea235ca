// Where a command's output goes: stdout ("-") or a file written safely (output-file.ts: a temp
// file renamed over the name, removed on any failure or exit). The formats a command can write.
import { writeOutput } from './closed-output.js';
import { contentPieces, writeOutputFile, type OutputContent } from './output-file.js';

/** Every output format; each command supports some of them (src/cli/output-options.ts). */
export const outputFormats = ['text', 'json', 'ndjson', 'csv', 'pprof', 'folded', 'html'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Writes the content to `target`: "-" is stdout, anything else a file. */
export async function writeData(target: string, content: OutputContent): Promise<void> {
  if (target !== '-') return writeOutputFile(target, content);
  for await (const piece of contentPieces(content)) await writeOutput(process.stdout, piece);
}

/** A value as the indented JSON document the commands print. */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
