// `kamheap walk <pid>`: attach, walk one heap, detach, print the summary and/or write a snapshot.
import { Command } from 'commander';
import { ExitCode, KamheapError } from '../errors.js';
import { renderTextReport } from '../export/text-report.js';
import { checkOutputFile } from '../export/output-file.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { scriptWalk } from '../walk/script-walker.js';
import { walkInstance } from '../walk/walk-instance.js';
import { renderInstanceReport } from '../export/instance-report.js';
import { runAbortable } from './abort-on-signal.js';
import { heapSymbolHelp, parseHeapSymbol, parseCount, parseHeapKind, parsePid, parseRange, parseTimeout, parseWalker } from './options.js';
import { startProgress } from './progress.js';

interface RawWalkOptions {
  heap: string;
  from?: string;
  to?: string;
  walker: string;
  json?: string;
  fragments?: boolean;
  top: string;
  timeout?: string;
  heapSymbol?: string;
  gdb?: string;
  all?: boolean;
}

/** Builds the command; `setExitCode` receives the outcome (commands never exit the process). */
export function walkCommand(setExitCode: (code: number) => void): Command {
  return new Command('walk')
    .description('attach to a Kamailio process, walk its pkg or shm heap, detach, and summarize it')
    .argument('<pid>', 'Kamailio process ID (pkg: that process; shm: any process of the instance)')
    .option('--heap <kind>', 'pkg (the process private heap) or shm (shared)', 'pkg')
    .option('--from <n>', 'first fragment index to include (index 0 is first_frag, free ones count too)')
    .option('--to <m>', 'stop before this fragment index')
    .option('--walker <name>', 'bulk (few large reads, shortest pause) or script (generated GDB script)', 'bulk')
    .option('--json <file>', 'write a JSON snapshot to FILE, or to stdout with "-" (then nothing else goes to stdout)')
    .option('--fragments', 'include every walked fragment in the JSON snapshot')
    .option('--top <k>', 'allocation sites to show in the summary', '20')
    .option('--timeout <seconds>', 'give up after this long; the target is detached and left running')
    .option('--heap-symbol <name>', heapSymbolHelp)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .option('--all', 'the shm heap once, then the pkg heap of every process of the instance (each stopped only for its own heap)')
    .action(async (pidText: string, raw: RawWalkOptions) => {
      const snapshot = raw.all ? await collectInstanceWalk(pidText, raw) : await collectWalk(pidText, raw);
      await printWalk(snapshot, raw);
      setExitCode(walkExitCode(snapshot));
    });
}

/** Runs the walk and returns the snapshot (the data; printing is separate). */
export async function collectWalk(pidText: string, raw: RawWalkOptions): Promise<Snapshot> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const walker = parseWalker(raw.walker);
  const range = parseRange(raw.from, raw.to);
  const heapSymbol = parseHeapSymbol(kind, raw.heapSymbol);
  parseCount(raw.top, '--top'); // checked now, before anything is attached
  await checkOutputFile(raw.json);
  const progress = startProgress(raw.json !== '-', `attaching to PID ${pid}`);
  try {
    return await runAbortable(parseTimeout(raw.timeout), async (signal) => {
      const walk = walker === 'bulk' ? bulkWalk : scriptWalk;
      const output = await walk({
        pid,
        kind,
        range,
        signal,
        ...(heapSymbol ? { heapSymbol } : {}),
        ...(raw.gdb ? { gdbPath: raw.gdb } : {}),
        onProgress: (n) => progress.update(`walking the ${kind} heap of PID ${pid}: ${n} fragments`),
        onPhase: (phase) => progress.update(phase === 'attached' ? `PID ${pid} stopped, reading the ${kind} heap` : `PID ${pid} detached`),
      });
      return buildSnapshot(output, { includeFragments: raw.fragments === true });
    });
  } finally {
    progress.stop();
  }
}

/** `--all`: the shm snapshot with a section per process and the pkg aggregate. */
export async function collectInstanceWalk(pidText: string, raw: RawWalkOptions): Promise<Snapshot> {
  const pid = parsePid(pidText);
  if (raw.from !== undefined || raw.to !== undefined || raw.fragments || raw.heapSymbol !== undefined || parseWalker(raw.walker) !== 'bulk') {
    throw new KamheapError('usage', '--all walks whole heaps with the bulk walker: no --from, --to, --fragments, --heap-symbol or --walker script');
  }
  parseCount(raw.top, '--top');
  await checkOutputFile(raw.json);
  const progress = startProgress(raw.json !== '-', `reading the process table of PID ${pid}`);
  try {
    return await runAbortable(parseTimeout(raw.timeout), async (signal) => {
      const walk = await walkInstance(pid, {
        signal,
        ...(raw.gdb ? { gdbPath: raw.gdb } : {}),
        onHeap: (what) => progress.update(what === 'shm' ? 'walking the shm heap' : `walking the pkg heap of PID ${what}`),
      });
      return { ...walk.shm, processes: walk.processes, pkgAggregate: walk.pkgAggregate };
    });
  } finally {
    progress.stop();
  }
}

/** Prints the text summary and/or writes the JSON snapshot. */
async function printWalk(snapshot: Snapshot, raw: RawWalkOptions): Promise<void> {
  if (raw.json !== undefined) await writeSnapshotJson(snapshot, raw.json);
  if (raw.json !== '-') {
    const top = parseCount(raw.top, '--top');
    process.stdout.write(renderTextReport(snapshot, top));
    if (snapshot.processes && snapshot.pkgAggregate) process.stdout.write(renderInstanceReport(snapshot.processes, snapshot.pkgAggregate, top));
  }
  const broken = snapshot.findings[0];
  if (broken && !snapshot.walk.complete) {
    process.stderr.write(`kamheap: heap walk stopped at fragment ${broken.index} (${broken.address}): ${broken.message}\n`);
  }
}

/** A walk that met a broken fragment exits with the heap-corrupt code after printing what it has. */
export function walkExitCode(snapshot: Snapshot): number {
  const complete = snapshot.walk.complete && (snapshot.processes ?? []).every((p) => p.walk?.complete !== false);
  return complete ? ExitCode.ok : new KamheapError('heap-corrupt', '').exitCode;
}
