// `npm run bench`: the seed-style GDB loop vs kamheap's script and bulk walkers on the shm heap of
// one testbed Kamailio process. The table goes to stdout, progress to stderr. Exit codes: 0 done
// (targets missed are reported, not failed), 1 error, 2 the methods disagree on the fragment
// count, 130 interrupted. Kamailio is stopped and no gdb is left behind on every path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/version.js';
import { KAMAILIO } from '../testbed/kamailio-instance.js';
import { processState, stopAllKamailio } from '../testbed/index.js';
import { benchConfig, type BenchConfig } from './config.js';
import { runKamheapWalk } from './kamheap-walk.js';
import { haveGnuTime, killLiveGroupsNow } from './measure.js';
import type { MethodResult } from './method-result.js';
import { prepareTarget } from './prepare-target.js';
import { fragmentAgreement, renderReport, type BenchResults } from './report.js';
import { runSeedLoop } from './seed-loop.js';
import { describeSourceState } from './source-state.js';
import { tracerOf } from './target-stop.js';

// Progress on stderr, so stdout holds only the report.
function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Sets up, measures, reports; returns the exit code. */
async function runBench(config: BenchConfig, workDir: string, signal: AbortSignal): Promise<number> {
  const repoRoot = packageRoot();
  const target = await prepareTarget(config, log);
  const { pid } = target;
  const rssVia = haveGnuTime() ? 'GNU time' : '/proc VmHWM sampling (no /usr/bin/time)';
  log(`target: PID ${pid} (${target.role}); peak RSS via ${rssVia} + getrusage inside kamheap`);
  warmUp(config, repoRoot);
  const common = { pid, workDir, timeoutMs: config.methodTimeoutMs, signal };

  log('(a) seed-style GDB loop (the target stays stopped for the whole run)');
  const seed = await runSeedLoop({ ...common, executable: KAMAILIO, gdb: config.gdb });
  await assertReleased(pid, 'seed loop');
  log(describe(seed));

  log('(b) kamheap --walker script');
  const script = await runKamheapWalk({ ...common, repoRoot, walker: 'script', run: 1 });
  await assertReleased(pid, 'script walker');
  log(describe(script));

  const bulk: MethodResult[] = [];
  for (let run = 1; run <= config.bulkRepeats; run++) {
    log(`(c) kamheap --walker bulk, run ${run}/${config.bulkRepeats}`);
    const result = await runKamheapWalk({ ...common, repoRoot, walker: 'bulk', run });
    await assertReleased(pid, 'bulk walker');
    log(describe(result));
    bulk.push(result);
  }

  const last = bulk.at(-1);
  const results: BenchResults = {
    seed,
    script,
    bulk,
    heapBytes: last?.heapBytes ?? 0,
    targetPid: pid,
    targetRole: target.role,
    source: describeSourceState(repoRoot),
  };
  process.stdout.write(renderReport(results));
  process.stdout.write(`modules holding shm: ${last?.modules.join(', ') ?? 'n/a'}\n`);
  const agreement = fragmentAgreement(results);
  if (!agreement.ok) {
    log(`!!!!!!!! ${agreement.message} !!!!!!!!`);
    return 2;
  }
  return 0;
}

// One progress line per measured run.
function describe(r: MethodResult): string {
  const stop = r.observedStop;
  const seen =
    stop.stoppedMs === null ? 'never seen stopped' : `stop seen ${stop.stoppedMs.toFixed(1)} ms (sampling gap <= ${stop.maxGapMs.toFixed(1)} ms)`;
  const pause = r.pauseMs?.toFixed(1) ?? 'n/a';
  return `    ${r.fragments} fragments, wall ${(r.wallMs / 1000).toFixed(2)} s, pause ${pause} ms, ${seen}`;
}

// Untimed first runs of gdb and node, so no method pays for a cold page cache alone.
function warmUp(config: BenchConfig, repoRoot: string): void {
  spawnSync(config.gdb, ['-nx', '--batch', '-ex', 'quit', KAMAILIO], { stdio: 'ignore', timeout: 60_000 });
  spawnSync(process.execPath, [join(repoRoot, 'bin', 'kamheap.js'), '--version'], { stdio: 'ignore', timeout: 60_000 });
}

// After each method: the target must be running again and traced by nobody (no gdb left attached).
async function assertReleased(pid: number, what: string): Promise<void> {
  const tracer = await tracerOf(pid);
  const state = processState(pid);
  if (tracer === undefined || state === undefined) throw new Error(`after the ${what}: target PID ${pid} is gone`);
  if (tracer !== 0) throw new Error(`after the ${what}: PID ${tracer} is still attached to the target`);
  if (state === 't' || state === 'T') throw new Error(`after the ${what}: target PID ${pid} was left stopped (state ${state})`);
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
