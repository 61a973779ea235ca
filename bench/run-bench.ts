// `npm run bench`: the seed-style GDB loop vs kamheap's script and bulk walkers on the q_malloc shm
// heap of one testbed Kamailio process, then the bulk walker alone on each shm allocator (q_malloc,
// f_malloc, TLSF: one Kamailio each, one after the other). The tables go to stdout, progress to
// stderr. Exit codes: 0 done (targets missed are reported, not failed), 1 error (any allocator),
// 2 runs disagree on the fragment count, 130 interrupted. Kamailio is stopped and no gdb is left
// behind on every path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/version.js';
import { KAMAILIO } from '../testbed/kamailio-instance.js';
import { processState, stopAllKamailio } from '../testbed/index.js';
import { allocatorNames, benchConfig, type BenchConfig } from './config.js';
import { runKamheapWalk } from './kamheap-walk.js';
import { haveGnuTime, killLiveGroupsNow } from './measure.js';
import type { MethodResult } from './method-result.js';
import { ensureFragments, prepareTarget, type PreparedTarget } from './prepare-target.js';
import {
  allocatorAgreement,
  fragmentAgreement,
  renderAllocatorReport,
  renderReport,
  type AllocatorResult,
  type BenchResults,
} from './report.js';
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
  const rssVia = haveGnuTime() ? 'GNU time' : '/proc VmHWM sampling (no /usr/bin/time)';
  log(`allocators: ${config.allocators.map((a) => allocatorNames[a]).join(', ')}; peak RSS via ${rssVia} + getrusage inside kamheap`);
  warmUp(config, repoRoot);
  let comparison: BenchResults | undefined;
  const perAllocator: AllocatorResult[] = [];
  for (const allocator of config.allocators) {
    const withBaselines = allocator === 'qm' && config.baselines;
    const result: AllocatorResult = { allocator, targetPid: null, targetRole: null, cells: 0, topUps: 0, bulk: [], error: null };
    perAllocator.push(result);
    let target: PreparedTarget | undefined;
    try {
      target = await prepareTarget(config, allocator, log);
      const { pid } = target;
      Object.assign(result, { targetPid: pid, targetRole: target.role });
      log(`target: PID ${pid} (${target.role})`);
      const common = { pid, workDir, timeoutMs: config.methodTimeoutMs, signal, repoRoot };
      // Untimed probe walks: the fragment count (topped up if short), the allocator kamheap finds,
      // and a first run of node and gdb on this heap so no measured run pays for a cold start alone.
      const check = await ensureFragments(
        config,
        target,
        async (round) => {
          const probe = await runKamheapWalk({ ...common, walker: 'bulk', run: `${allocator}-probe-${round}` });
          await assertReleased(pid, 'probe walk');
          if (probe.allocator !== allocatorNames[allocator]) {
            throw new Error(`started Kamailio with -x ${allocator}, but kamheap found a ${probe.allocator ?? 'unknown'} shm heap`);
          }
          return probe.fragments;
        },
        log,
      );
      Object.assign(result, { cells: target.cells, topUps: check.topUps });

      let seed: MethodResult | undefined;
      let script: MethodResult | undefined;
      if (withBaselines) {
        log('(a) seed-style GDB loop (the target stays stopped for the whole run)');
        seed = await runSeedLoop({ ...common, executable: KAMAILIO, gdb: config.gdb });
        await assertReleased(pid, 'seed loop');
        log(describe(seed));

        log('(b) kamheap --walker script');
        script = await runKamheapWalk({ ...common, walker: 'script', run: 1 });
        await assertReleased(pid, 'script walker');
        log(describe(script));
      }

      for (let run = 1; run <= config.bulkRepeats; run++) {
        log(`${withBaselines ? '(c) ' : ''}kamheap --walker bulk on ${allocatorNames[allocator]}, run ${run}/${config.bulkRepeats}`);
        const bulk = await runKamheapWalk({ ...common, walker: 'bulk', run: `${allocator}-${run}` });
        await assertReleased(pid, 'bulk walker');
        log(describe(bulk));
        result.bulk.push(bulk);
      }

      if (seed !== undefined && script !== undefined) {
        comparison = {
          seed,
          script,
          bulk: result.bulk,
          heapBytes: result.bulk.at(-1)?.heapBytes ?? 0,
          targetPid: pid,
          targetRole: target.role,
          source: describeSourceState(repoRoot),
        };
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // One allocator failing does not throw away the others' minutes: report it and go on.
      result.error = error instanceof Error ? error.message : String(error);
      result.bulk = [];
      log(`error on ${allocatorNames[allocator]}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      // One 64 MB Kamailio at a time; stopAllKamailio in main catches any left over.
      await target?.instance.stop();
    }
  }

  let code = 0;
  if (comparison !== undefined) {
    process.stdout.write(renderReport(comparison));
    process.stdout.write(`modules holding shm: ${comparison.bulk.at(-1)?.modules.join(', ') ?? 'n/a'}\n\n`);
    const agreement = fragmentAgreement(comparison);
    if (!agreement.ok) {
      log(`!!!!!!!! ${agreement.message} !!!!!!!!`);
      code = 2;
    }
  } else if (!config.baselines || !config.allocators.includes('qm')) {
    process.stdout.write(`${describeSourceState(repoRoot)}\n(a)/(b) comparison skipped (it runs on q_malloc with KAMHEAP_BENCH_BASELINES=1)\n\n`);
  } else {
    process.stdout.write(`${describeSourceState(repoRoot)}\n(a)/(b)/(c) comparison on q_malloc FAILED (see below)\n\n`);
  }
  process.stdout.write(renderAllocatorReport(perAllocator, config.shmMb));
  const allocatorsAgree = allocatorAgreement(perAllocator);
  for (const message of allocatorsAgree.messages) log(`!!!!!!!! ${message} !!!!!!!!`);
  if (!allocatorsAgree.ok && code === 0) code = 2;
  if (perAllocator.some((r) => r.error !== null)) code = 1;
  return code;
}

// One progress line per measured run.
function describe(r: MethodResult): string {
  const stop = r.observedStop;
  const seen =
    stop.stoppedMs === null ? 'never seen stopped' : `stop seen ${stop.stoppedMs.toFixed(1)} ms (sampling gap <= ${stop.maxGapMs.toFixed(1)} ms)`;
  const pause = r.pauseMs?.toFixed(1) ?? 'n/a';
  const read = r.bytesRead === null ? '' : `, read ${(r.bytesRead / 2 ** 20).toFixed(1)} MB`;
  const walk = r.walkMs === null ? '' : `, walk ${(r.walkMs / 1000).toFixed(2)} s`;
  return `    ${r.fragments} fragments, wall ${(r.wallMs / 1000).toFixed(2)} s${walk}, pause ${pause} ms, ${seen}${read}`;
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
