// Reads a log file (or stdin) line by line into dumps: a syslog file can be gigabytes, so only the
// dump blocks are kept, never the whole text.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { KamheapError } from '../errors.js';
import { DumpBlockCollector, type DumpBlock } from './dump-blocks.js';
import type { LogSource } from './dump-snapshot.js';
import { groupDumps, type LogDump } from './log-dumps.js';

export interface LogRead {
  dumps: LogDump[];
  source: LogSource;
  /** Lines read. */
  lines: number;
}

/** The dumps in `file` ("-": stdin); an unreadable file is a bad-input error. */
export async function readLogDumps(file: string): Promise<LogRead> {
  let read: { blocks: DumpBlock[]; lines: number };
  let source: LogSource;
  try {
    const mtime = file === '-' ? undefined : (await stat(file)).mtime;
    read = await collectBlocks(file === '-' ? process.stdin : createReadStream(file));
    source = mtime === undefined ? { file, reference: new Date(), referenceFrom: 'read' } : { file, reference: mtime, referenceFrom: 'file' };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new KamheapError('bad-input', `cannot read ${file}: ${reason}`, { cause: error });
  }
  return { dumps: groupDumps(read.blocks, source.reference), source, lines: read.lines };
}

// Every dump block of a stream of lines.
async function collectBlocks(input: Readable): Promise<{ blocks: DumpBlock[]; lines: number }> {
  const collector = new DumpBlockCollector();
  const blocks: DumpBlock[] = [];
  let lines = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lines++;
    blocks.push(...collector.push(line));
  }
  blocks.push(...collector.finish());
  return { blocks, lines };
}
