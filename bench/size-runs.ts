// The runs on one prepared heap, in order: an untimed probe walk (fragment count, allocator, the
// bytes the bulk walker reads), the seed GDB loop (whole, or a bounded range to extrapolate), the
// script walker (the smallest shm heap only), then R rounds of bulk stopped, bulk live, and the
// floor stopped and live (interleaved, so a change of load hits every method alike), and last one
// walk with --fragments. After every command the target must be running and untraced.
import { processState, type Allocator } from '../testbed/index.js';
import { allocatorNames, type BenchConfig } from './config.js';
import { runKamheapFragments, runKamheapWalk, type CliModes, type KamheapWalkOptions, type WalkMode } from './kamheap-walk.js';
import type { MethodResult } from './method-result.js';
import type { PreparedTarget } from './prepare-target.js';
import { firstFragment, runRawRead, type RawMode, type RawReadResult } from './raw-read.js';
import { runSeedLoop } from './seed-loop.js';
import type { SizeResult } from './size-result.js';
import { tracerOf, type StopObservation } from './target-stop.js';

export interface RunContext {
  config: BenchConfig;
  repoRoot: string;
  workDir: string;
  signal: AbortSignal;
  /** Compiled helpers (native.ts). */
  sampler: string;
  rawRead: string;
  cli: CliModes;
  log: (line: string) => void;
}

/** The mode the stopped column passes: --stop when the CLI has it (shm); pkg walks are stopped either way. */
export function stoppedMode(cli: CliModes, heap: 'shm' | 'pkg'): WalkMode {
  return cli.stopFlag && heap === 'shm' ? 'stop' : 'default';
}

/** Why a heap gets no live column, or null when it gets one. */
export function liveNote(cli: CliModes, heap: 'shm' | 'pkg'): string | null {
  if (heap === 'pkg') return 'n/a: a pkg heap is walked stopped (only a stopped process gives an exact pkg)';
  if (!cli.stopFlag) {
    return 'SKIPPED: `kamheap walk --help` has no --stop, so this kamheap has no live shm walk (issue 10\'s live mode is not in it); ' +
      'its default walk stops the target and is the "bulk stopped" column';
  }
  return null;
}

/** The walk options shared by every kamheap run on this target. */
function walkOptions(ctx: RunContext, target: PreparedTarget): Omit<KamheapWalkOptions, 'walker' | 'mode' | 'run'> {
  return {
    pid: target.pid,
    heap: target.heap,
    repoRoot: ctx.repoRoot,
    workDir: ctx.workDir,
    sampler: ctx.sampler,
    timeoutMs: ctx.config.methodTimeoutMs,
    signal: ctx.signal,
  };
}

/** Measures every method on `target`, filling `result` as runs finish (so a failure keeps what ran). */
export async function measureSize(ctx: RunContext, target: PreparedTarget, result: SizeResult): Promise<void> {
  const { config, log } = ctx;
  const pid = target.pid;
  const common = walkOptions(ctx, target);
  const stopMode = stoppedMode(ctx.cli, target.heap);
  Object.assign(result, { targetPid: pid, targetRole: target.role, fill: target.fill, fillMs: target.fillMs, liveNote: liveNote(ctx.cli, target.heap) });
  log(`target: PID ${pid} (${target.role}), ${target.heap}`);

  const probe = await runKamheapWalk({ ...common, walker: 'bulk', mode: stopMode, run: 'probe' });
  await assertReleased(pid, 'probe walk');
  checkAllocator(probe, target.allocator);
  result.fragments = probe.fragments;
  log(`probe: ${probe.fragments.toLocaleString('en-US')} fragments, ${((probe.bytesRead ?? 0) / 2 ** 20).toFixed(1)} MB read`);
  const block = probe.heapBlock;
  if (probe.bytesRead === null || block === null) throw new Error('the probe snapshot gives no walk.bytesRead or heap.block: no floor to read');
  const address = firstFragment(pid, BigInt(block));
  result.floorBytes = probe.bytesRead;

  if (config.baselines) {
    const whole = target.heap === 'shm' && target.sizeMb <= config.shmMb;
    const limit = whole || config.seedSample >= probe.fragments ? null : config.seedSample;
    log(`seed GDB loop${limit === null ? '' : `, first ${limit.toLocaleString('en-US')} fragments (extrapolated)`} (the target stays stopped throughout)`);
    result.seed = await runSeedLoop({
      pid, heap: target.heap, executable: target.instance.binary, gdb: config.gdb, sampler: ctx.sampler, limit,
      heapFragments: probe.fragments, workDir: ctx.workDir, timeoutMs: config.methodTimeoutMs, signal: ctx.signal,
    });
    await assertReleased(pid, 'seed loop');
    log(describe(result.seed));
    if (whole) {
      log('kamheap --walker script');
      result.script = await runKamheapWalk({ ...common, walker: 'script', mode: stopMode, run: 1 });
      await assertReleased(pid, 'script walker');
      log(describe(result.script));
    }
  }

  for (let run = 1; run <= config.bulkRepeats; run++) {
    const of = `${run}/${config.bulkRepeats}`;
    log(`bulk stopped ${of}`);
    result.stopped.push(await runKamheapWalk({ ...common, walker: 'bulk', mode: stopMode, run }));
    await assertReleased(pid, 'bulk walker (stopped)');
    log(describe(result.stopped.at(-1)));
    if (result.liveNote === null) {
      log(`bulk live ${of}`);
      result.live.push(await runKamheapWalk({ ...common, walker: 'bulk', mode: 'live', run }));
      await assertReleased(pid, 'bulk walker (live)');
      log(describe(result.live.at(-1)));
    }
    for (const mode of ['stop', 'live'] as RawMode[]) {
      const raw = await runRawRead({
        binary: ctx.rawRead, sampler: ctx.sampler, pid, address, bytes: probe.bytesRead, mode, run,
        workDir: ctx.workDir, timeoutMs: config.methodTimeoutMs, signal: ctx.signal,
      });
      await assertReleased(pid, `raw read (${mode})`);
      (mode === 'stop' ? result.rawStop : result.rawLive).push(raw);
      log(describeRaw(raw));
    }
  }

  // As an operator runs it: the default mode (shm live when the CLI has it, pkg stopped).
  const fragmentsMode = result.liveNote === null ? 'live' : stopMode;
  log(`bulk ${fragmentsMode === 'live' ? 'live' : 'stopped'} with --fragments (its failure is recorded, not fatal)`);
  result.withFragments = await runKamheapFragments({ ...common, walker: 'bulk', mode: fragmentsMode, run: 1 });
  await assertReleased(pid, 'bulk walker (--fragments)');
  const f = result.withFragments;
  log(`    ${f.ok ? 'ok' : `FAILED: ${f.failure}`}, wall ${(f.wallMs / 1000).toFixed(2)} s, RSS ${kbToMb(f.toolRssKb ?? f.treeRssKb)} MB`);
}

// kamheap must find the allocator Kamailio was started with, or the runs measure something else.
function checkAllocator(probe: MethodResult, allocator: Allocator): void {
  if (probe.allocator !== allocatorNames[allocator]) {
    throw new Error(`started Kamailio with ${allocatorNames[allocator]}, but kamheap found a ${probe.allocator ?? 'unknown'} heap`);
  }
}

/** After each method: the target must be running again and traced by nobody (no gdb left attached). */
export async function assertReleased(pid: number, what: string): Promise<void> {
  const tracer = await tracerOf(pid);
  const state = processState(pid);
  if (tracer === undefined || state === undefined) throw new Error(`after the ${what}: target PID ${pid} is gone`);
  if (tracer !== 0) throw new Error(`after the ${what}: PID ${tracer} is still attached to the target`);
  if (state === 't' || state === 'T') throw new Error(`after the ${what}: target PID ${pid} was left stopped (state ${state})`);
}

function kbToMb(kb: number | null): string {
  return kb === null ? 'n/a' : (kb / 1024).toFixed(0);
}

// "stop seen 120.3 ms in 1 span (sampling gap <= 2.1 ms)".
function describeStop(stop: StopObservation): string {
  if (stop.stoppedMs === null) return `never seen stopped (sampling gap <= ${stop.maxGapMs.toFixed(1)} ms)`;
  return `stop seen ${stop.stoppedMs.toFixed(1)} ms in ${stop.spans} span${stop.spans === 1 ? '' : 's'} (sampling gap <= ${stop.maxGapMs.toFixed(1)} ms)`;
}

/** One progress line per measured kamheap or seed-loop run. */
export function describe(r: MethodResult | undefined): string {
  if (r === undefined) return '    (no run)';
  const pause = r.pauseMs?.toFixed(1) ?? 'n/a';
  const read = r.bytesRead === null ? '' : `, read ${(r.bytesRead / 2 ** 20).toFixed(1)} MB`;
  const walk = r.walkMs === null ? '' : `, walk ${(r.walkMs / 1000).toFixed(2)} s`;
  const mode = r.consistencyMode === null ? '' : `, mode ${r.consistencyMode}`;
  const sampled = r.sampledFragments === null ? '' : ` (extrapolated from ${r.sampledFragments})`;
  return `    ${r.fragments} fragments${sampled}, wall ${(r.wallMs / 1000).toFixed(2)} s${walk}, pause ${pause} ms, ` +
    `${describeStop(r.observedStop)}${read}, RSS ${kbToMb(r.toolRssKb)} MB${mode}`;
}

// One progress line per raw read.
function describeRaw(r: RawReadResult): string {
  const own = r.mode === 'stop' ? `pause ${r.pauseMs.toFixed(1)} ms (attach ${r.attachMs.toFixed(1)}, read ${r.readMs.toFixed(1)}, detach ${r.detachMs.toFixed(1)})` : `read ${r.readMs.toFixed(1)} ms`;
  return `    raw read ${r.mode}: ${(r.bytes / 2 ** 20).toFixed(1)} MB, ${own}, ${describeStop(r.observedStop)}`;
}
