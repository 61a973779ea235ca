// Loads a snapshot file and validates it against the schema at the door (validate-snapshot.ts): bad
// JSON, a foreign or damaged file, or one too large to be a snapshot is a one-line bad-input error,
// never a crash deeper in.
import { constants as bufferConstants } from 'node:buffer';
import { open } from 'node:fs/promises';
import { KamheapError } from '../errors.js';
import { sizeText } from '../util/read-lines.js';
import { snapshotSchemaId, type AnySnapshot } from './snapshot.js';
import { snapshotProblem } from './validate-snapshot.js';

/** Largest snapshot file read: what one JavaScript string holds (JSON.stringify cannot write more). */
export const snapshotMaxBytes = 512 << 20;

/**
 * Reads and validates a snapshot written by `kamheap walk --json`, `parse --json` or `parse-log`;
 * of an NDJSON one (`--format ndjson`), its first line: the snapshot without its fragments.
 */
export async function readSnapshot(file: string): Promise<AnySnapshot> {
  const limit = Math.min(snapshotMaxBytes, bufferConstants.MAX_STRING_LENGTH);
  const text = (await isNdjson(file)) ? await firstLine(file, limit) : await readBounded(file, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KamheapError('bad-input', `${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const problem = snapshotProblem(value);
  if (problem) throw new KamheapError('bad-input', `${file} is not a ${snapshotSchemaId} snapshot: ${problem}`);
  return value as AnySnapshot;
}

// The file as text, refused when it is larger than `limit` bytes, or once it passes that while read (a FIFO).
async function readBounded(file: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const handle = await open(file, 'r');
    try {
      if ((await handle.stat()).size > limit) throw tooLarge(file);
      for await (const chunk of handle.createReadStream({ autoClose: false })) {
        total += (chunk as Buffer).length;
        if (total > limit) throw tooLarge(file);
        chunks.push(chunk as Buffer);
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof KamheapError) throw error;
    throw new KamheapError('bad-input', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** NDJSON starts with the compact snapshot; kamheap's JSON with "{" and a newline. */
export async function isNdjson(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(11), 0, 11, 0);
      return buffer.subarray(0, bytesRead).toString('latin1') === '{"schema":"';
    } finally {
      await handle.close();
    }
  } catch {
    // readBounded says what is wrong with the file.
    return false;
  }
}

// The first line of the file, refused when it is longer than `limit` bytes.
async function firstLine(file: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  const handle = await open(file, 'r');
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 })) {
      const data = chunk as Buffer;
      const newline = data.indexOf(10);
      const part = newline < 0 ? data : data.subarray(0, newline);
      total += part.length;
      if (total > limit) throw tooLarge(file);
      chunks.push(part);
      if (newline >= 0) break;
    }
  } finally {
    await handle.close();
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function tooLarge(file: string): KamheapError {
  return new KamheapError('bad-input', `${file} is larger than ${sizeText(snapshotMaxBytes)}: not a ${snapshotSchemaId} snapshot`);
}
