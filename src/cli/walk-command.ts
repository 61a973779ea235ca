// `kamheap walk <pid>`: attach, walk one heap, detach, print the summary and/or write a snapshot.
import { Command } from 'commander';
import { ExitCode, KamheapError } from '../errors.js';
import type { WalkRange } from '../heap/fragment.js';
import type { HeapRootSymbol } from '../locate/heap-roots.js';
import { renderTextReport } from '../export/text-report.js';
import { checkOutputFile } from '../export/output-file.js';
import { printable } from '../export/printable.js';
import { snapshotFormats, snapshotRenderers } from '../export/snapshot-formats.js';
import type { FragmentList } from '../snapshot/fragment-list.js';
import type { RunControl } from '../run-control.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { HeapKind, WalkerName } from '../heap/heap-nouns.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { scriptWalk } from '../walk/script-walker.js';
import { walkInstance } from '../walk/walk-instance.js';
import { renderInstanceReport } from '../export/instance-report.js';
import { runControlled } from './run-controlled.js';
import {
  defaultMaxPause,
  heapSymbolHelp,
  maxPauseHelp,
  parseHeapKind,
  parseHeapSymbol,
  parseMaxPause,
  parsePid,
  parseRange,
  parseTimeout,
  parseWalker,
  stopHelp,
  debuggerHelp,
  defaultDebugger,
  parseDebuggerOption,
} from './options.js';
import type { DebuggerName } from '../debugger/debugger.js';
import { addOutputOptions, checkFragmentsFormat, dataOnStdout, parseOutputOptions, writeChosenOutput, type OutputChoice, type RawOutputOptions } from './output-options.js';
import { startProgress } from './progress.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';
import type { TextView } from '../export/site-table.js';

interface RawWalkOptions extends RawOutputOptions, RawViewOptions {
  heap: string;
  from?: string;
  to?: string;
  walker: string;
  fragments?: boolean;
  stop?: boolean;
  timeout?: string;
  maxPause: string;
  heapSymbol?: string;
  gdb?: string;
  debugger: string;
  all?: boolean;
}

/** The walk's options, checked before anything is started. */
interface WalkOptions {
  pid: number;
  kind: HeapKind;
  walker: WalkerName;
  range: WalkRange;
  heapSymbol: HeapRootSymbol | undefined;
  view: TextView;
  timeoutMs: number | undefined;
  maxPauseMs: number;
  gdbPath: string | undefined;
  debugger: DebuggerName;
  output: OutputChoice<(typeof snapshotFormats)[number]>;
  fragments: boolean;
  stop: boolean;
  all: boolean;
}

/** A walk's snapshot, and its fragments when they were asked for. */
interface WalkResultData {
  snapshot: Snapshot;
  fragments: FragmentList | undefined;
}

/** Builds the command; `setExitCode` receives the outcome (commands never exit the process). */
export function walkCommand(setExitCode: (code: number) => void): Command {
  const command = new Command('walk')
    .description('attach to a Kamailio process, walk its pkg or shm heap, detach, and summarize it')
    .argument('<pid>', 'Kamailio process ID (pkg: that process; shm: any process of the instance)')
    .option('--heap <kind>', 'pkg (the process private heap) or shm (shared)', 'pkg')
    .option('--from <n>', 'first fragment index to include (index 0 is first_frag, free ones count too)')
    .option('--to <m>', 'stop before this fragment index')
    .option('--walker <name>', 'bulk (few large reads, shortest pause) or script (generated GDB script)', 'bulk')
    .option('--fragments', 'include every walked fragment in the json or ndjson snapshot (streamed: memory does not grow with them)')
    .option('--stop', stopHelp)
    .option('--timeout <seconds>', 'give up after this long; the target is detached and left running')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--heap-symbol <name>', heapSymbolHelp)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .option('--debugger <name>', debuggerHelp, defaultDebugger)
    .option('--all', 'the shm heap once (live unless --stop), then the pkg heap of every process of the instance (each stopped only for its own heap)');
  return addOutputOptions(addViewOptions(command, { top: '20' }), snapshotFormats, 'file')
    .action(async (pidText: string, raw: RawWalkOptions) => {
      const options = parseWalkOptions(pidText, raw);
      await checkOutputFile(options.output.target);
      await runControlled(options.timeoutMs, async (control) => {
        const result = options.all ? { snapshot: await collectInstanceWalk(options, control), fragments: undefined } : await collectWalk(options, control);
        try {
          control.throwIfStopped();
          await printWalk(result, options);
        } finally {
          result.fragments?.dispose();
        }
        setExitCode(walkExitCode(result.snapshot));
      });
    });
}

/** Checks every option at the boundary. */
function parseWalkOptions(pidText: string, raw: RawWalkOptions): WalkOptions {
  const kind = parseHeapKind(raw.heap);
  const walker = parseWalker(raw.walker);
  const options: WalkOptions = {
    pid: parsePid(pidText),
    kind,
    walker,
    range: parseRange(raw.from, raw.to),
    heapSymbol: parseHeapSymbol(kind, raw.heapSymbol),
    view: parseViewOptions(raw),
    timeoutMs: parseTimeout(raw.timeout),
    maxPauseMs: parseMaxPause(raw.maxPause),
    gdbPath: raw.gdb,
    debugger: parseDebuggerOption(raw.debugger, raw.gdb, { scriptWalker: walker === 'script' }),
    output: parseOutputOptions(raw, snapshotFormats, 'file'),
    fragments: raw.fragments === true,
    stop: raw.stop === true,
    all: raw.all === true,
  };
  if (options.stop && kind !== 'shm' && !options.all) throw new KamheapError('usage', '--stop is for shm: a pkg heap is always read with its process stopped');
  if (options.walker === 'script' && kind === 'shm' && !options.stop) options.stop = true;
  if (options.all && (raw.from !== undefined || raw.to !== undefined || options.fragments || options.heapSymbol || options.walker !== 'bulk')) {
    throw new KamheapError('usage', '--all walks whole heaps with the bulk walker: no --from, --to, --fragments, --heap-symbol or --walker script');
  }
  checkFragmentsFormat(options.fragments, options.output.format);
  return options;
}

/** Runs the walk and returns the snapshot (the data; printing is separate). */
async function collectWalk(options: WalkOptions, control: RunControl): Promise<WalkResultData> {
  const { pid, kind } = options;
  const progress = startProgress(!dataOnStdout(options.output), `attaching to PID ${pid}`);
  try {
    const request = {
      pid,
      kind,
      range: options.range,
      control,
      maxPauseMs: options.maxPauseMs,
      stop: options.stop,
      ...(options.heapSymbol ? { heapSymbol: options.heapSymbol } : {}),
      ...(options.gdbPath ? { gdbPath: options.gdbPath } : {}),
      debugger: options.debugger,
      onProgress: (n: number) => progress.update(`walking the ${kind} heap of PID ${pid}: ${n} fragments`),
      onPhase: (phase: 'attached' | 'detached' | 'live') => progress.update(phaseText(phase, pid, kind)),
    };
    const output = options.walker === 'bulk' ? await bulkWalk(request, { fragments: options.fragments }) : await scriptWalk(request);
    const fragments = options.fragments ? output.fragments : undefined;
    if (!options.fragments) output.fragments?.dispose();
    return { snapshot: buildSnapshot(output), fragments };
  } finally {
    progress.stop();
  }
}

/** `--all`: the shm snapshot with a section per process and the pkg aggregate. */
async function collectInstanceWalk(options: WalkOptions, control: RunControl): Promise<Snapshot> {
  const { pid } = options;
  const progress = startProgress(!dataOnStdout(options.output), `reading the process table of PID ${pid}`);
  try {
    const walk = await walkInstance(pid, {
      control,
      maxPauseMs: options.maxPauseMs,
      stop: options.stop,
      ...(options.gdbPath ? { gdbPath: options.gdbPath } : {}),
      debugger: options.debugger,
      onHeap: (what) => progress.update(what === 'shm' ? 'walking the shm heap' : `walking the pkg heap of PID ${what}`),
    });
    return { ...walk.shm, processes: walk.processes, pkgAggregate: walk.pkgAggregate };
  } finally {
    progress.stop();
  }
}

/** What the progress line says in each phase. */
function phaseText(phase: 'attached' | 'detached' | 'live', pid: number, kind: HeapKind): string {
  if (phase === 'live') return `reading the ${kind} heap of PID ${pid} live (nothing stopped)`;
  return phase === 'attached' ? `PID ${pid} stopped, reading the ${kind} heap` : `PID ${pid} detached`;
}

/** Writes the summary or the snapshot in the chosen format (with the deprecated --json FILE, both). */
async function printWalk({ snapshot, fragments }: WalkResultData, options: Pick<WalkOptions, 'output' | 'view'>): Promise<void> {
  const { output, view } = options;
  const text = (): string => renderTextReport(snapshot, view) + (snapshot.processes && snapshot.pkgAggregate ? renderInstanceReport(snapshot.processes, snapshot.pkgAggregate, view) : '');
  await writeChosenOutput(output, { text, ...snapshotRenderers(snapshot, fragments) });
  if (output.textToStdout) process.stdout.write(text());
  const broken = snapshot.findings[0];
  const unsettled = snapshot.walk.consistency?.unsettled[0];
  if (broken && !snapshot.walk.complete) {
    process.stderr.write(`kamheap: heap walk stopped at fragment ${broken.index} (${broken.address}): ${printable(broken.message)}\n`);
  } else if (unsettled) {
    process.stderr.write(`kamheap: live walk stopped at fragment ${unsettled.index} (${unsettled.address}): it read differently on every try (the heap was changing there, not corrupt); walk again, or use --stop\n`);
  }
}

/** A walk that met a broken fragment exits with the heap-corrupt code after printing what it has; one that met only moving memory, with 17. */
export function walkExitCode(snapshot: Snapshot): number {
  const walks = [snapshot.walk, ...(snapshot.processes ?? []).flatMap((p) => (p.walk ? [p.walk] : []))];
  const incomplete = walks.filter((w) => !w.complete);
  if (incomplete.length === 0) return ExitCode.ok;
  const onlyMoving = [snapshot, ...(snapshot.processes ?? [])].every((s) => (s.findings?.length ?? 0) === 0) && incomplete.every((w) => (w.consistency?.unsettled.length ?? 0) > 0);
  return onlyMoving ? ExitCode.unsettled : ExitCode.heapCorrupt;
}
