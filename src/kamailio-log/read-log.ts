// Reads a log file (or stdin) line by line into dumps: a syslog file can be gigabytes, so only the
// dump blocks are kept, never the whole text. A line is at most 1 MiB: a longer one cannot be a
// Kamailio dump line (those are a few hundred bytes), so it is skipped and counted, never assembled.
// An input with no newline in its first 64 MiB (/dev/zero, a binary file) is not a log at all.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { KamheapError } from '../errors.js';
import { readLines } from '../util/read-lines.js';
import { DumpBlockCollector, type DumpBlock } from './dump-blocks.js';
import type { LogSource } from './dump-snapshot.js';
import { groupDumps, type LogDump } from './log-dumps.js';

export interface LogRead {
  dumps: LogDump[];
  source: LogSource;
  /** Lines read. */
  lines: number;
  /** Lines longer than `logLimits.maxLineBytes`, skipped. */
  skipped: number;
}

/** The bounds of a log read (see the header comment). */
export const logLimits = { maxLineBytes: 1 << 20, firstNewlineWithin: 64 << 20 } as const;

/** The dumps in `file` ("-": stdin); an unreadable file is a bad-input error. */
export async function readLogDumps(file: string, limits: { maxLineBytes: number; firstNewlineWithin: number } = logLimits): Promise<LogRead> {
  let read: { blocks: DumpBlock[]; lines: number; skipped: number };
  let source: LogSource;
  try {
    const mtime = file === '-' ? undefined : (await stat(file)).mtime;
    read = await collectBlocks(file === '-' ? process.stdin : createReadStream(file), file, limits);
    source = mtime === undefined ? { file, reference: new Date(), referenceFrom: 'read' } : { file, reference: mtime, referenceFrom: 'file' };
  } catch (error) {
    if (error instanceof KamheapError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new KamheapError('bad-input', `cannot read ${file}: ${reason}`, { cause: error });
  }
  return { dumps: groupDumps(read.blocks, source.reference), source, lines: read.lines, skipped: read.skipped };
}

// Every dump block of a stream of lines; over-long lines count as lines that are not dump lines.
async function collectBlocks(input: Readable, name: string, limits: { maxLineBytes: number; firstNewlineWithin: number }): Promise<{ blocks: DumpBlock[]; lines: number; skipped: number }> {
  const collector = new DumpBlockCollector();
  const blocks: DumpBlock[] = [];
  let lines = 0;
  let skipped = 0;
  for await (const line of readLines(input, { name, ...limits, expected: 'text log' })) {
    lines = line.number;
    if (line.text === undefined) skipped++;
    // An empty line keeps the collector's line numbers right and belongs to no process.
    blocks.push(...collector.push(line.text ?? ''));
  }
  blocks.push(...collector.finish());
  return { blocks, lines, skipped };
}
