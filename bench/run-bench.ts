// `npm run bench`: kamheap on q_malloc shm heaps of 64 MB, 512 MB and 2 GB and on a 256 MB pkg
// heap (one Kamailio each, one after the other), every method side by side per heap: the seed GDB
// loop, the script walker, the bulk walker stopped and live, the raw read floor; then the bulk
// walker on each shm allocator at 64 MB. The tables go to stdout, progress to stderr. Exit codes:
// 0 done (targets missed are reported, not failed), 1 error (any heap or allocator), 2 runs
// disagree (fragment counts, or a walk's stated mode against its column), 130 interrupted.
// Kamailio is stopped and no gdb, sampler or reader is left behind on every path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/version.js';
import { KAMAILIO } from '../testbed/kamailio-instance.js';
import { stopAllKamailio } from '../testbed/index.js';
import { allocatorAgreement, renderAllocatorReport, type AllocatorResult } from './allocator-report.js';
import { allocatorRowFromSize, measureAllocator } from './allocator-runs.js';
import { allocatorNames, benchConfig, cellsFor, type BenchConfig } from './config.js';
import { detectCliModes } from './kamheap-walk.js';
import { haveGnuTime, killLiveGroupsNow } from './measure.js';
import { nativeHelper } from './native.js';
import { preparePkgTarget, prepareShmTarget, type PreparedTarget } from './prepare-target.js';
import { modeMismatches, renderSizeReport, sizeAgreement } from './size-report.js';
import { emptySizeResult, sizeLabel, type SizeResult } from './size-result.js';
import { liveNote, measureSize, type RunContext } from './size-runs.js';
import { describeSourceState } from './source-state.js';

// Progress on stderr, so stdout holds only the report.
function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Sets up, measures, reports; returns the exit code. */
async function runBench(config: BenchConfig, workDir: string, signal: AbortSignal): Promise<number> {
  const repoRoot = packageRoot();
  const started = performance.now();
  const rssVia = haveGnuTime() ? 'GNU time' : '/proc VmHWM sampling (no /usr/bin/time)';
  const cli = detectCliModes(repoRoot);
  const ctx: RunContext = {
    config, repoRoot, workDir, signal, cli, log,
    sampler: nativeHelper('stop-sampler'),
    rawRead: nativeHelper('raw-read'),
  };
  log(`shm sizes: ${config.shmSizes.join(', ')} MB; pkg: ${config.pkg ? `${config.pkgMb} MB` : 'skipped'}; allocators: ${config.allocators.map((a) => allocatorNames[a]).join(', ')}; ` +
    `${config.bulkRepeats} runs each; peak RSS via getrusage inside kamheap + ${rssVia}`);
  log(cli.stopFlag ? 'kamheap walk has --stop: bulk stopped = --stop, bulk live = no flag' : liveNote(cli, 'shm') ?? '');
  warmUp(config, repoRoot);

  const sizes: SizeResult[] = [];
  for (const sizeMb of config.shmSizes) {
    const result = emptySizeResult('shm', sizeMb);
    sizes.push(result);
    await measureHeap(ctx, result, () => prepareShmTarget(config, { allocator: 'qm', shmMb: sizeMb, cells: cellsFor(sizeMb, config.cells) }, signal, log));
  }
  if (config.pkg) {
    const result = emptySizeResult('pkg', config.pkgMb);
    sizes.push(result);
    await measureHeap(ctx, result, () => preparePkgTarget(config, workDir, signal, log));
  }

  const perAllocator: AllocatorResult[] = [];
  for (const allocator of config.allocators) {
    const same = sizes.find((r) => r.heap === 'shm' && r.sizeMb === config.shmMb);
    if (allocator === 'qm' && same !== undefined) {
      perAllocator.push(allocatorRowFromSize(same, config.cells));
      continue;
    }
    perAllocator.push(await measureAllocator(ctx, allocator));
  }

  const source = describeSourceState(repoRoot);
  if (sizes.length > 0) process.stdout.write(`${renderSizeReport(sizes, { source, stopFlag: cli.stopFlag })}\n`);
  if (perAllocator.length > 0) process.stdout.write(renderAllocatorReport(perAllocator, config.shmMb));
  log(`done in ${((performance.now() - started) / 60_000).toFixed(1)} min`);

  let code = 0;
  const disagreements = [...sizeAgreement(sizes), ...modeMismatches(sizes), ...allocatorAgreement(perAllocator).messages];
  for (const message of disagreements) log(`!!!!!!!! ${message} !!!!!!!!`);
  if (disagreements.length > 0) code = 2;
  if (sizes.some((r) => r.error !== null) || perAllocator.some((r) => r.error !== null)) code = 1;
  return code;
}

// Prepares one heap and measures it; its Kamailio is stopped before the next starts (one big heap
// at a time). A failure is recorded in `result` and the next heap still runs, unless aborted.
async function measureHeap(ctx: RunContext, result: SizeResult, prepare: () => Promise<PreparedTarget>): Promise<void> {
  log(`=== ${sizeLabel(result)}`);
  let target: PreparedTarget | undefined;
  try {
    target = await prepare();
    await measureSize(ctx, target, result);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    result.error = error instanceof Error ? error.message : String(error);
    log(`error on ${sizeLabel(result)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await target?.instance.stop();
  }
}

// Untimed first runs of gdb and node, so no method pays for a cold page cache alone.
function warmUp(config: BenchConfig, repoRoot: string): void {
  spawnSync(config.gdb, ['-nx', '--batch', '-ex', 'quit', KAMAILIO], { stdio: 'ignore', timeout: 60_000 });
  spawnSync(process.execPath, [join(repoRoot, 'bin', 'kamheap.js'), '--version'], { stdio: 'ignore', timeout: 60_000 });
}

// Ctrl-C/SIGTERM abort the run (measured commands are terminated, Kamailio stopped in `main`);
// a second signal kills what is left at once.
function handleSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      killLiveGroupsNow();
      process.exit(130);
    }
    log(`${signal}: stopping (again to force)`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('exit', killLiveGroupsNow);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', killLiveGroupsNow);
  };
}

/** Runs the benchmark and always cleans up; returns the exit code. */
async function main(): Promise<number> {
  let config: BenchConfig;
  try {
    config = benchConfig();
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const controller = new AbortController();
  const disposeSignals = handleSignals(controller);
  const workDir = mkdtempSync(join(tmpdir(), 'kamheap-bench-'));
  let code: number;
  try {
    code = await runBench(config, workDir, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) {
      log('interrupted');
      code = 130;
    } else {
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      code = 1;
    }
  } finally {
    killLiveGroupsNow();
    try {
      await stopAllKamailio();
    } catch (error) {
      log(`could not stop Kamailio: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
    if (config.keep) log(`work files kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
    disposeSignals();
  }
  return code;
}

process.exitCode = await main();
