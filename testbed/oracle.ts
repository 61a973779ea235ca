// Kamailio's own account of its heaps, the reference the heap walker is checked against: trigger
// a dump over the ctl socket, then read only the lines logged after the trigger, by the right pid.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DumpBlockCollector,
  type DumpBlock,
  type DumpFragment,
  type HeapTotals,
  type StatusBlock,
  type SumsEntry,
} from './dump-blocks.js';
import { OracleTimeoutError, OracleUnsupportedError } from './errors.js';
import type { KamailioInstance } from './kamailio-instance.js';
import { LogFollower, logTail } from './log-follower.js';
import { sendWake } from './sip-wake.js';

export type { DumpFragment, HeapTotals, SumsEntry } from './dump-blocks.js';

export interface HeapDump {
  /** The process that printed the dump (for shm: the ctl handler that ran the RPC). */
  pid: number;
  heap: HeapTotals;
  /** Every fragment, used and free (mem_status_mode=1), in heap order. */
  fragments: DumpFragment[];
  /**
   * Whether the fragments carry their allocation site. False for a build without the memory debug
   * fields (`nodebug`, MEMDBG=0): index, address, frag, size and free are still exact, but file and
   * func are '' and line is 0.
   */
  sites: boolean;
}

export interface PkgDump extends HeapDump {
  /** The process's qm_sums lines: used fragments grouped by allocation site ([] when !sumsAvailable). */
  sums: SumsEntry[];
  /** False for a build without the memory debug fields: qm_sums logs only a warning there. */
  sumsAvailable: boolean;
}

export interface OracleOptions {
  /** Bound on the RPC plus the wait for the complete dump (large heaps take seconds). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
const WAKE_EVERY_MS = 250;
const NO_SITES = 'this build has no per-fragment debug fields (MEMDBG=0): qm_sums only logs a warning';

/** The shm heap as qm_status prints it (`cfg.set_now_int core mem_dump_shm 1`). */
export async function dumpShm(instance: KamailioInstance, opts: OracleOptions = {}): Promise<HeapDump> {
  if (instance.shmAllocator !== 'qm') throw new OracleUnsupportedError('dumpShm', instance.shmAllocator);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const follower = await LogFollower.fromEnd(instance.logFile);
  await instance.rpcWithTimeout(timeoutMs, 'cfg.set_now_int', 'core', 'mem_dump_shm', '1');
  const block = await waitFor(instance, follower, 'shm status dump', timeoutMs, (b) =>
    b.kind === 'status' && b.header?.what === 'shm-status' ? b : undefined,
  );
  return { pid: block.pid, heap: block.heap, fragments: block.fragments, sites: block.sites };
}

/**
 * The shm summary lines (`corex.shm_summary`): used fragments per allocation site. Works for all
 * three allocators (q_malloc, f_malloc, TLSF print the same line format). A q_malloc build
 * without the memory debug fields (`nodebug`) has no sites: OracleUnsupportedError.
 */
export async function shmSummary(instance: KamailioInstance, opts: OracleOptions = {}): Promise<SumsEntry[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const follower = await LogFollower.fromEnd(instance.logFile);
  await instance.rpcWithTimeout(timeoutMs, 'corex.shm_summary');
  // corex logs no header line; pkg summaries always come after one, so they are never taken.
  const block = await waitFor(instance, follower, 'shm summary', timeoutMs, (b) =>
    b.kind === 'sums' && (b.header === undefined || b.header.what === 'shm-sums') ? b : undefined,
  );
  if (!block.available) {
    throw new OracleUnsupportedError('shmSummary', instance.shmAllocator, NO_SITES);
  }
  return block.entries;
}

/**
 * The pkg heap of one process (`cfg.set_now_int core mem_dump_pkg PID`). The process dumps at its
 * next config update: timer and ctl processes at once, a UDP receiver on its next datagram, so
 * wake-up requests are sent until the dump shows up. The main process and the slow timer do not
 * update their config on their own: for them this times out.
 */
export async function dumpPkg(instance: KamailioInstance, pid: number, opts: OracleOptions = {}): Promise<PkgDump> {
  if (instance.pkgAllocator !== 'qm') throw new OracleUnsupportedError('dumpPkg', instance.pkgAllocator);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const follower = await LogFollower.fromEnd(instance.logFile);
  await instance.rpcWithTimeout(timeoutMs, 'cfg.set_now_int', 'core', 'mem_dump_pkg', String(pid));
  let status: StatusBlock | undefined;
  try {
    return await waitFor(
      instance,
      follower,
      `pkg dump of pid ${pid}`,
      timeoutMs,
      (b) => {
        if (b.pid !== pid || b.header?.pid !== pid) return undefined;
        if (b.kind === 'status' && b.header.what === 'pkg-status') status ??= b;
        if (b.kind !== 'sums' || b.header.what !== 'pkg-sums' || status === undefined) return undefined;
        const { heap, fragments, sites } = status;
        return { pid, heap, fragments, sites, sums: b.entries, sumsAvailable: b.available };
      },
      () => sendWake(instance.port),
    );
  } catch (error) {
    // Do not leave a request armed that would make the process dump at some later moment.
    await instance.rpc('cfg.set_now_int', 'core', 'mem_dump_pkg', '0').catch(() => undefined);
    throw error;
  }
}

// Follows the log until `pick` returns a value for a complete block; `tick` runs periodically.
async function waitFor<T>(
  instance: KamailioInstance,
  follower: LogFollower,
  what: string,
  timeoutMs: number,
  pick: (block: DumpBlock) => T | undefined,
  tick?: () => Promise<void>,
): Promise<T> {
  const collector = new DumpBlockCollector();
  const deadline = Date.now() + timeoutMs;
  let nextTick = 0;
  for (;;) {
    for (const line of await follower.readLines()) {
      for (const block of collector.push(line)) {
        const picked = pick(block);
        if (picked !== undefined) return picked;
      }
    }
    if (Date.now() >= deadline) {
      throw new OracleTimeoutError(what, timeoutMs, await logTail(instance.logFile, 20));
    }
    if (tick !== undefined && Date.now() >= nextTick) {
      nextTick = Date.now() + WAKE_EVERY_MS;
      await tick();
    }
    await sleep(POLL_MS);
  }
}
