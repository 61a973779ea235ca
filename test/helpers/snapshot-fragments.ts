// A snapshot with its fragments in memory, for tests that compare them one by one: the walk's
// FragmentList read back line by line, as the snapshot file would hold them.
import { buildSnapshot, type BuildOptions } from '../../src/snapshot/build-snapshot.js';
import type { FragmentList } from '../../src/snapshot/fragment-list.js';
import type { FragmentRecord, Snapshot } from '../../src/snapshot/snapshot.js';
import type { WalkOutput } from '../../src/snapshot/walk-output.js';

/** Every record of the list, in order. */
export async function readRecords(list: FragmentList): Promise<FragmentRecord[]> {
  const records: FragmentRecord[] = [];
  for await (const lines of list.lines()) {
    for (const line of lines.split('\n')) if (line !== '') records.push(JSON.parse(line) as FragmentRecord);
  }
  return records;
}

/** buildSnapshot, with `fragments` filled from the walk's list (and the list disposed of). */
export async function snapshotWithFragments(output: WalkOutput, options: BuildOptions = {}): Promise<Snapshot> {
  const snapshot = buildSnapshot(output, options);
  if (output.fragments) {
    snapshot.fragments = await readRecords(output.fragments);
    output.fragments.dispose();
  }
  return snapshot;
}
