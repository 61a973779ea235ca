// `walk --all`: the shm heap once, then the pkg heap of every process of the instance, one after
// the other. Each process is stopped only while its own heap is captured.
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { ProcessSection, PkgAggregate } from '../snapshot/snapshot.js';
import { aggregatePkg } from '../snapshot/instance.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { readInstanceProcesses } from '../locate/instance-processes.js';
import { KamheapError } from '../errors.js';
import { isSameProcessAlive } from '../proc/process.js';
import type { RunControl } from '../run-control.js';
import { bulkWalk } from './bulk-walker.js';

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
  const common = { range: { from: 0, to: undefined }, control, maxPauseMs: options.maxPauseMs, ...(options.gdbPath ? { gdbPath: options.gdbPath } : {}) };
  const table = await readInstanceProcesses(pid, options.gdbPath);
  options.onHeap?.('shm');
  const shm = buildSnapshot(await bulkWalk({ pid, kind: 'shm', stop: options.stop === true, ...common }));
  const processes: ProcessSection[] = [];
  for (const p of table) {
    control.throwIfStopped();
    options.onHeap?.(String(p.pid));
    const section = { pid: p.pid, ...(p.nsPid === undefined ? {} : { nsPid: p.nsPid }), index: p.index, role: p.role };
    try {
      // The PID checked then must still be that process, up to the attach: a PID reused since is somebody else's.
      if (!isSameProcessAlive(p)) throw new KamheapError('target-exited', `PID ${p.pid} exited after the process table was read`);
      const s = buildSnapshot(await bulkWalk({ pid: p.pid, kind: 'pkg', startTime: p.startTime, ...common }));
      processes.push({ ...section, heap: s.heap, walk: s.walk, totals: s.totals, sites: s.sites, findings: s.findings });
    } catch (error) {
      if (control.stopped) throw error;
      const message = error instanceof KamheapError ? error.message : String(error);
      processes.push({ ...section, error: message });
    }
  }
  return { shm, processes, pkgAggregate: aggregatePkg(processes) };
}
