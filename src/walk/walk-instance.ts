// `walk --all`: the shm heap once (live: nothing stopped, unless --stop), then the pkg heap of every
// process of the instance, one after the other, with one gdb: it loads the executable and answers
// the questions about its symbols and layouts once, then attaches each process in turn. Each
// process is stopped only while its own heap is captured.
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { ProcessSection, PkgAggregate } from '../snapshot/snapshot.js';
import { aggregatePkg } from '../snapshot/instance.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { instanceFactsFrom, tableOf } from '../locate/instance-facts.js';
import { readInstanceTable } from '../locate/instance-table.js';
import { placeIn } from '../locate/process-place.js';
import { processStart } from '../proc/start-time.js';
import { KamheapError } from '../errors.js';
import { TargetSession } from '../gdb/target-session.js';
import { isSameProcessAlive } from '../proc/process.js';
import type { RunControl } from '../run-control.js';
import { bulkWalk } from './bulk-walker.js';
import { readExecutableHeap } from './walk-request.js';

export interface InstanceWalkOptions {
  control: RunControl;
  maxPauseMs?: number;
  /** Stop the target for the shm walk too (default: read it live). */
  stop?: boolean;
  gdbPath?: string;
  /** Called before each heap: "shm", then each process's pid. */
  onHeap?: (what: string) => void;
}

export interface InstanceWalk {
  shm: Snapshot;
  processes: ProcessSection[];
  pkgAggregate: PkgAggregate;
}

/**
 * Walks shm through `pid`, then every process's pkg: only the processes of the checked table
 * (check-process-table.ts), by the PIDs kamheap sees. A process that is gone is reported, not fatal.
 */
export async function walkInstance(pid: number, options: InstanceWalkOptions): Promise<InstanceWalk> {
  const { control } = options;
  const gdb = options.gdbPath ? { gdbPath: options.gdbPath } : {};
  const common = { range: { from: 0, to: undefined }, control, maxPauseMs: options.maxPauseMs, ...gdb };
  // Every process of the table runs this executable (the table's check): one gdb holds it for all.
  let session = await TargetSession.open({ pid, control, maxPauseMs: options.maxPauseMs, ...gdb });
  try {
    const { commandMs } = session.limits;
    const facts = await session.command((g) => instanceFactsFrom(g, pid, commandMs));
    const table = await readInstanceTable(pid, tableOf(facts));
    const shmHeap = await readExecutableHeap(session, { kind: 'shm' }, facts.knowledge);
    const pkgHeap = await readExecutableHeap(session, { kind: 'pkg' }, facts.knowledge);
    options.onHeap?.('shm');
    const shmOutput = await bulkWalk({ pid, kind: 'shm', stop: options.stop === true, ...common }, { shared: { session, heap: shmHeap } });
    // The shared session read no table of its own: this walk's table says where PID stands.
    const shm = buildSnapshot({ ...shmOutput, ...(shmOutput.process ? { process: { ...shmOutput.process, place: placeIn(table, pid) } } : {}) });
    const processes: ProcessSection[] = [];
    for (const p of table) {
      control.throwIfStopped();
      options.onHeap?.(String(p.pid));
      const section = { pid: p.pid, ...(p.nsPid === undefined ? {} : { nsPid: p.nsPid }), index: p.index, role: p.role, started: processStart(p.startTime) };
      try {
        // The PID checked then must still be that process, up to the attach: a PID reused since is somebody else's.
        if (!isSameProcessAlive(p)) throw new KamheapError('target-exited', `PID ${p.pid} exited after the process table was read`);
        // A failure that gdb could not be trusted after (it hung, died, refused an attach) ended the session: the next process gets a new gdb.
        if (!session.usable) session = await TargetSession.open({ pid: p.pid, startTime: p.startTime, control, maxPauseMs: options.maxPauseMs, ...gdb });
        const s = buildSnapshot(await bulkWalk({ pid: p.pid, kind: 'pkg', startTime: p.startTime, ...common }, { shared: { session, heap: pkgHeap } }));
        processes.push({ ...section, heap: s.heap, walk: s.walk, totals: s.totals, sites: s.sites, findings: s.findings });
      } catch (error) {
        if (control.stopped) throw error;
        const message = error instanceof KamheapError ? error.message : String(error);
        processes.push({ ...section, error: message });
      }
    }
    return { shm, processes, pkgAggregate: aggregatePkg(processes) };
  } finally {
    // A target that could not be left running is what the user must hear above all: close()'s error wins.
    await session.close();
  }
}
