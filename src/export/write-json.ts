// Writes a snapshot as JSON to a file or to stdout ("-"), nothing else on stdout in that case.
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { writeOutput } from './closed-output.js';
import { writeOutputFile } from './output-file.js';

/** Serializes the snapshot; a file is written safely (output-file.ts), a failure is one bad-input line. */
export async function writeSnapshotJson(snapshot: AnySnapshot, target: string): Promise<void> {
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (target === '-') await writeOutput(process.stdout, text);
  else await writeOutputFile(target, text);
}
