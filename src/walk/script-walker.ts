// The script walker: fill the GDB walk script for the planned heap, load it into gdb while the
// target still runs, attach, and drive the walk batch by batch over MI, parsing the lines it prints
// as they stream in. Between two batches the walk can stop and detach: gdb is never interrupted.
import { GdbCommandError, KamheapError } from '../errors.js';
import { TargetSession } from '../gdb/target-session.js';
import { openProcMem } from '../memory/proc-mem.js';
import type { WalkOutput } from '../snapshot/walk-output.js';
import { ScriptOutputParser } from './parse-script-output.js';
import { openUnlinkedScript, type ScriptFile } from './script-file.js';
import { nat } from './script-expressions.js';
import { renderWalkScript } from './script-template.js';
import { debuggerOptions, planHeap, type WalkRequest } from './walk-request.js';

/** A batch should take about this long: short enough to stop within it, long enough that MI round trips do not count. */
const batchTargetMs = 100;
/** A batch that has not answered by then means gdb is hung (stopped, deadlocked): it is killed. */
const batchTimeoutMs = 10_000;

/** Walks the requested heap by running the generated GDB script in the target. */
export async function scriptWalk(request: WalkRequest): Promise<WalkOutput> {
  const started = performance.now();
  const { pid, control } = request;
  const memory = openProcMem(pid);
  const parser = new ScriptOutputParser();
  let scriptFile: ScriptFile | undefined;
  try {
    // First of all: an unusable TMPDIR is found before gdb starts.
    const file = (scriptFile = openUnlinkedScript());
    // gdb runs the walk's expressions in the stopped target: it needs the symbols it relocates at the attach.
    const session = await TargetSession.open({ pid, control, maxPauseMs: request.maxPauseMs, startTime: request.startTime, gdbReadsTarget: true, ...debuggerOptions(request) });
    const executable = session.target.executable;
    const pauseMs = await session.closeAfter(async () => {
      const plan = await planHeap(session, memory, request);
      file.write(renderWalkScript({ pid, kind: request.kind, root: plan.heap, layout: plan.layout, from: request.range.from, to: request.range.to, executable }));
      await loadScript(session, file);
      await session.attach();
      request.onPhase?.('attached');
      await runBatches(session, parser, request);
      const { pauseMs } = await session.detach();
      request.onPhase?.('detached');
      return pauseMs;
    });
    const output = parser.finish({ executable, pauseMs, durationMs: performance.now() - started });
    if (!output.complete && session.targetGone) throw new KamheapError('target-exited', `PID ${pid} exited during the walk`);
    return output;
  } finally {
    scriptFile?.close();
    memory.close();
  }
}

/** Sources the script's definitions into gdb; `$kh_driven` keeps it from running the walk itself. */
async function loadScript(session: TargetSession, file: ScriptFile): Promise<void> {
  const { commandMs } = session.limits;
  const ignore = (): void => undefined;
  await session.command((gdb) => gdb.console('set $kh_driven = 1', ignore, commandMs));
  await session.command((gdb) => gdb.console(`source ${file.path}`, ignore, commandMs));
}

/** kh_walk_start, then kh_walk_batch until the script prints its end line; sized so each batch takes ~100 ms. */
async function runBatches(session: TargetSession, parser: ScriptOutputParser, request: WalkRequest): Promise<void> {
  let pending = '';
  let lastReport = 0;
  const feed = (text: string): void => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      parser.line(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (request.onProgress && parser.fragmentCount - lastReport >= 500) {
      lastReport = parser.fragmentCount;
      request.onProgress(lastReport);
    }
  };
  await session.command((gdb) => gdb.console('kh_walk_start', feed, batchTimeoutMs));
  let batch = 64;
  while (!parser.ended) {
    await request.control.checkpoint();
    const began = performance.now();
    try {
      await session.command((gdb) => gdb.console(`kh_walk_batch ${nat(batch, 'batch')}`, feed, batchTimeoutMs));
    } catch (error) {
      // gdb stopped the script (e.g. a pointer it could not read): keep what was walked.
      if (!(error instanceof GdbCommandError)) throw error;
      parser.scriptFailed(error.message);
      break;
    }
    batch = nextBatch(batch, performance.now() - began);
  }
  if (pending) parser.line(pending);
}

/** Scales the batch toward batchTargetMs, at most four times larger per step. */
function nextBatch(batch: number, tookMs: number): number {
  const scaled = Math.round((batch * batchTargetMs) / Math.max(tookMs, 1));
  return Math.min(Math.max(scaled, 16), batch * 4, 100_000);
}
