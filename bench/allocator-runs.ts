// The per-allocator table's runs: for each shm allocator, a Kamailio with the same 64 MB heap and
// load, and the bulk walker (stopped) R times. q_malloc's runs are the size table's at that size
// when it was measured; only the other allocators (or q_malloc without that size) get their own.
import type { Allocator } from '../testbed/index.js';
import type { AllocatorResult } from './allocator-report.js';
import { allocatorNames } from './config.js';
import { runKamheapWalk } from './kamheap-walk.js';
import { ensureFragments, prepareShmTarget, type PreparedTarget } from './prepare-target.js';
import { assertReleased, describe, stoppedMode, type RunContext } from './size-runs.js';
import type { SizeResult } from './size-result.js';

/** q_malloc's row from the size table's runs at the same heap size. */
export function allocatorRowFromSize(size: SizeResult, cells: number): AllocatorResult {
  return {
    allocator: 'qm',
    targetPid: size.targetPid,
    targetRole: size.targetRole,
    cells,
    topUps: 0,
    bulk: size.stopped,
    error: size.error,
  };
}

/** Prepares `allocator`'s heap and runs the bulk walker on it; a failure is recorded, not thrown (unless aborted). */
export async function measureAllocator(ctx: RunContext, allocator: Allocator): Promise<AllocatorResult> {
  const { config, log } = ctx;
  const result: AllocatorResult = { allocator, targetPid: null, targetRole: null, cells: 0, topUps: 0, bulk: [], error: null };
  let target: PreparedTarget | undefined;
  try {
    target = await prepareShmTarget(config, { allocator, shmMb: config.shmMb, cells: config.cells }, ctx.signal, log);
    const { pid } = target;
    Object.assign(result, { targetPid: pid, targetRole: target.role });
    const common = { pid, heap: 'shm' as const, walker: 'bulk' as const, mode: stoppedMode(ctx.cli, 'shm'), repoRoot: ctx.repoRoot, workDir: ctx.workDir, sampler: ctx.sampler, timeoutMs: config.methodTimeoutMs, signal: ctx.signal };
    // Untimed probes: the fragment count (topped up if an allocator packed the fill into fewer),
    // and the allocator kamheap finds.
    const check = await ensureFragments(
      config,
      target,
      async (round) => {
        const probe = await runKamheapWalk({ ...common, run: `${allocator}-probe-${round}` });
        await assertReleased(pid, 'probe walk');
        if (probe.allocator !== allocatorNames[allocator]) {
          throw new Error(`started Kamailio with -x ${allocator}, but kamheap found a ${probe.allocator ?? 'unknown'} shm heap`);
        }
        return probe.fragments;
      },
      ctx.signal,
      log,
    );
    Object.assign(result, { cells: target.cells, topUps: check.topUps });
    for (let run = 1; run <= config.bulkRepeats; run++) {
      log(`bulk on ${allocatorNames[allocator]}, run ${run}/${config.bulkRepeats}`);
      const bulk = await runKamheapWalk({ ...common, run: `${allocator}-${run}` });
      await assertReleased(pid, 'bulk walker');
      log(describe(bulk));
      result.bulk.push(bulk);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // One allocator failing does not throw away the others' minutes: report it and go on.
    result.error = error instanceof Error ? error.message : String(error);
    result.bulk = [];
    log(`error on ${allocatorNames[allocator]}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await target?.instance.stop();
  }
  return result;
}
