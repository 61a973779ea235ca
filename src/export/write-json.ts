// Writes a snapshot to a file or to stdout ("-"), nothing else on stdout in that case, as JSON or
// NDJSON. The fragments (`--fragments`) are copied from the walk's list piece by piece, never built
// into one string: JSON puts one compact record per line in "fragments" (the rest is indented);
// NDJSON writes the snapshot without them on its first line, then one record per line.
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { recordList, type FragmentList } from '../snapshot/fragment-list.js';
import { writeData } from './write-data.js';

export type SnapshotFormat = 'json' | 'ndjson';

export interface SnapshotWriteOptions {
  /** The walk's fragments; a snapshot that holds its own (`parse-log`) has them written the same way. */
  fragments?: FragmentList | undefined;
  format?: SnapshotFormat;
}

/** Serializes the snapshot; a file is written safely (output-file.ts), a failure is one bad-input line. */
export async function writeSnapshotJson(snapshot: AnySnapshot, target: string, options: SnapshotWriteOptions = {}): Promise<void> {
  await writeData(target, snapshotText(snapshot, options.fragments, options.format ?? 'json'));
}

/** The snapshot's text, in pieces. */
export async function* snapshotText(snapshot: AnySnapshot, fragments: FragmentList | undefined, format: SnapshotFormat): AsyncGenerator<string> {
  const { fragments: inline, ...rest } = snapshot;
  const list = fragments ?? (inline ? recordList(inline) : undefined);
  if (format === 'ndjson') {
    yield `${JSON.stringify(rest)}\n`;
    if (list) yield* list.lines();
    return;
  }
  const head = JSON.stringify(rest, null, 2);
  if (!list) {
    yield `${head}\n`;
    return;
  }
  // The indented object without its closing "\n}", then the fragments as its last member.
  yield `${head.slice(0, -2)},\n  "fragments": [`;
  let first = true;
  for await (const lines of list.lines()) {
    yield `${first ? '\n    ' : ',\n    '}${lines.slice(0, -1).replaceAll('\n', ',\n    ')}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}
