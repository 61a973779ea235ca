// `kamheap diff A.json B.json`: what changed between two snapshots of the same heap.
import { Command } from 'commander';
import { ExitCode, KamheapError } from '../errors.js';
import { renderDiffReport } from '../export/diff-report.js';
import { diffSnapshots, type SnapshotDiff } from '../snapshot/diff.js';
import { readSnapshot } from '../snapshot/read-snapshot.js';
import { parseCount } from './options.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';

interface RawDiffOptions extends RawViewOptions {
  json?: boolean;
  all?: boolean;
  failOnGrowth?: string;
}

/** Builds the command. */
export function diffCommand(setExitCode: (code: number) => void): Command {
  const command = new Command('diff')
    .description('compare two snapshots of the same heap: per-site change in count and bytes, largest growth first')
    .argument('<before>', 'the earlier snapshot (kamheap walk --json)')
    .argument('<after>', 'the later snapshot')
    .option('--json', 'print the diff as JSON (schema kamheap.diff/1)')
    .option('--all', 'also list sites that did not change')
    .option('--fail-on-growth <bytes>', 'exit with code 14 when the used bytes of the walked sites grew by more than BYTES');
  return addViewOptions(command, { top: '30' }).action(async (beforeFile: string, afterFile: string, raw: RawDiffOptions) => {
      const view = parseViewOptions(raw);
      const limit = raw.failOnGrowth === undefined ? undefined : parseCount(raw.failOnGrowth, '--fail-on-growth');
      const diff = await collectDiff(beforeFile, afterFile);
      process.stdout.write(raw.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffReport(diff, view, raw.all === true));
      if (limit !== undefined && diff.used.bytesDelta > limit) {
        process.stderr.write(`kamheap: used bytes grew by ${diff.used.bytesDelta} B, more than ${limit} B\n`);
        setExitCode(ExitCode.growth);
      }
    });
}

/** Loads both snapshots and diffs them; refuses to compare different heaps. */
export async function collectDiff(beforeFile: string, afterFile: string): Promise<SnapshotDiff> {
  const before = await readSnapshot(beforeFile);
  const after = await readSnapshot(afterFile);
  if (before.heap.kind !== after.heap.kind) {
    throw new KamheapError('bad-input', `cannot compare a ${before.heap.kind} heap with a ${after.heap.kind} heap`);
  }
  return diffSnapshots(before, after);
}
