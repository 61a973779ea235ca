// `kamheap report <snapshot> [<before.json> | <watch-dir>] [-o FILE]`: one self-contained HTML page
// of a snapshot (treemap, heap map, top sites), with the diff against an earlier snapshot or the
// time series of a watch directory.
import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { KamheapError } from '../errors.js';
import { writeOutput } from '../export/closed-output.js';
import { checkOutputFile, writeOutputFile } from '../export/output-file.js';
import { isNdjson, readSnapshot } from '../snapshot/read-snapshot.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { readFragmentMap } from '../report/read-fragment-map.js';
import { readWatchDir } from '../report/read-watch-dir.js';
import { renderHtmlReport, type ReportInput } from '../report/render-html-report.js';

interface RawReportOptions {
  output?: string;
}

/** Builds the command. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write a self-contained HTML report of a snapshot: summary, treemap, heap map, top sites; with the diff against an earlier snapshot or the time series of a watch directory')
    .argument('<snapshot>', 'a snapshot (kamheap walk --json FILE; NDJSON too; with --fragments for the heap map)')
    .argument('[before-or-watch-dir]', 'an earlier snapshot of the same heap (the diff), or a `kamheap watch --out` directory (the time series)')
    .option('-o, --output <file>', 'write the HTML to FILE (default, or "-": stdout)')
    .action(async (snapshotFile: string, second: string | undefined, raw: RawReportOptions) => {
      await checkOutputFile(raw.output);
      const html = renderHtmlReport(await collectReport(snapshotFile, second));
      if (raw.output === undefined || raw.output === '-') await writeOutput(process.stdout, html);
      else await writeOutputFile(raw.output, html);
    });
}

/** Reads everything the report shows. */
export async function collectReport(snapshotFile: string, second: string | undefined): Promise<ReportInput> {
  const snapshot = await readSnapshot(snapshotFile);
  const input: ReportInput = { snapshot, source: snapshotFile };
  if (!snapshot.fragments && (await isNdjson(snapshotFile))) {
    const heapMap = await readFragmentMap(snapshotFile, snapshot.findings);
    if (heapMap) input.heapMap = heapMap;
  }
  if (second === undefined) return input;
  if (await isDirectory(second)) {
    const samples = await readWatchDir(second);
    if (!samples.some((s) => s.heaps.has(snapshot.heap.kind))) throw new KamheapError('bad-input', `the samples in ${second} are not of the ${snapshot.heap.kind} heap of ${snapshotFile}`);
    return { ...input, samples };
  }
  const before = await readSnapshot(second);
  checkComparable(before, snapshot);
  return { ...input, before };
}

// Refuses to diff two different heaps, as `kamheap diff` does.
function checkComparable(before: AnySnapshot, after: AnySnapshot): void {
  if (before.heap.kind !== after.heap.kind) throw new KamheapError('bad-input', `cannot compare a ${before.heap.kind} heap with a ${after.heap.kind} heap`);
}

// True for a directory; anything else (a file, a missing path) is read as a snapshot, which says what is wrong.
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
