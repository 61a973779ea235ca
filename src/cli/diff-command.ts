// `kamheap diff A.json B.json`: what changed between two snapshots of the same heap.
import { Command } from 'commander';
import { realpath } from 'node:fs/promises';
import { printable } from '../export/printable.js';
import { ExitCode, KamheapError } from '../errors.js';
import { diffCsv } from '../export/csv-views.js';
import { renderDiffReport } from '../export/diff-report.js';
import { diffPprof } from '../export/pprof-views.js';
import { jsonDocument } from '../export/write-data.js';
import { diffSnapshots, type SnapshotDiff } from '../snapshot/diff.js';
import { readSnapshot } from '../snapshot/read-snapshot.js';
import { parseCount } from './options.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';
import { addOutputOptions, parseOutputOptions, writeChosenOutput, type RawOutputOptions } from './output-options.js';

/** text, json (schema kamheap.diff/1), csv (one row per site), pprof (after - before per site). */
const diffFormats = ['text', 'json', 'csv', 'pprof'] as const;

interface RawDiffOptions extends RawOutputOptions, RawViewOptions {
  all?: boolean;
  failOnGrowth?: string;
}

/** Builds the command. */
export function diffCommand(setExitCode: (code: number) => void): Command {
  const command = new Command('diff')
    .description('compare two snapshots of the same heap: per-site change in count and bytes, largest growth first')
    .argument('<before>', 'the earlier snapshot (kamheap walk --json)')
    .argument('<after>', 'the later snapshot')
    .option('--all', 'also list sites that did not change')
    .option('--fail-on-growth <bytes>', 'exit with code 14 when the used bytes of the walked sites grew by more than BYTES')
    .addHelpText('after', '\nWarns on stderr (and in JSON as "warnings") when the snapshots differ in host, Kamailio version, process\n(PID or start time: a restart in between), instance or heap, are one file or one time twice, or after is\nolder than before. Warnings do not change the exit code.');
  return addOutputOptions(addViewOptions(command, { top: '30' }), diffFormats, 'flag')
    .action(async (beforeFile: string, afterFile: string, raw: RawDiffOptions) => {
      const view = parseViewOptions(raw);
      const limit = raw.failOnGrowth === undefined ? undefined : parseCount(raw.failOnGrowth, '--fail-on-growth');
      const output = parseOutputOptions(raw, diffFormats, 'flag');
      const diff = await collectDiff(beforeFile, afterFile);
      for (const warning of diff.warnings) process.stderr.write(`kamheap: warning: ${printable(warning)}\n`);
      await writeChosenOutput(output, {
        text: () => renderDiffReport(diff, view, raw.all === true),
        json: () => jsonDocument(diff),
        csv: () => diffCsv(diff),
        pprof: () => diffPprof(diff),
      });
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
  return diffSnapshots(before, after, { sameFile: await sameFile(beforeFile, afterFile) });
}

/** True when both paths lead to one file (links resolved); a path that does not resolve is not the other. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return x === y;
}
