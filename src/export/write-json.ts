// Writes a snapshot as JSON to a file or to stdout ("-"), nothing else on stdout in that case.
import { writeFile } from 'node:fs/promises';
import { writeOutput } from './closed-output.js';
import { KamheapError } from '../errors.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';

/** Serializes the snapshot; a write failure is a one-line error. */
export async function writeSnapshotJson(snapshot: AnySnapshot, target: string): Promise<void> {
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (target === '-') {
    await writeOutput(process.stdout, text);
    return;
  }
  try {
    await writeFile(target, text);
  } catch (error) {
    throw new KamheapError('bad-input', `cannot write ${target}: ${(error as Error).message}`, { cause: error });
  }
}
