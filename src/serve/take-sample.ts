// One round of `kamheap serve`'s reads. By default nothing is stopped: the shm heap is walked live
// and every process's pkg totals are read from its heap header, as `kamheap ps` reads them. `--heap
// pkg` walks the served process's pkg heap instead of shm (a pause of that process); `--all` walks
// shm and every process's pkg heap (walk --all: each process is stopped while its heap is read).
import type { HeapKind } from '../heap/heap-nouns.js';
import { collectProcesses, type PkgTotals, type ProcessRow } from '../locate/instance-processes.js';
import { readInstanceFacts, type InstanceFacts } from '../locate/instance-facts.js';
import type { RunControl } from '../run-control.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { walkInstance } from '../walk/walk-instance.js';
import { walkedReading, type HeapReading, type HeapTotalsReading, type ServeSample } from './serve-sample.js';

export interface SampleRequest {
  pid: number;
  /** The heap walked when not --all. */
  kind: HeapKind;
  all: boolean;
  control: RunControl;
  maxPauseMs: number;
  gdbPath: string | undefined;
}

/** Takes samples; the executable's facts (symbols, layouts, table layout) are read once, for the life of the process. */
export class SampleTaker {
  private facts: InstanceFacts | undefined;

  constructor(private readonly request: SampleRequest) {}

  /** One round of reads. */
  async take(): Promise<ServeSample> {
    return this.request.all ? this.takeAll() : this.takeOne();
  }

  /** The chosen heap walked, and the pkg totals of every process read without a stop. */
  private async takeOne(): Promise<ServeSample> {
    const { pid, kind, control, maxPauseMs, gdbPath } = this.request;
    // Neither read stops anything (gdb reads the executable, the headers come from /proc/PID/mem).
    this.facts ??= await readInstanceFacts(pid, gdbPath);
    const list = await collectProcesses(pid, gdbPath, this.facts);
    const gdb = gdbPath === undefined ? {} : { gdbPath };
    const output = await bulkWalk({ pid, kind, range: { from: 0, to: undefined }, control, maxPauseMs, stop: false, ...gdb });
    const walked = walkedReading(pid, roleOf(list.processes, pid), buildSnapshot(output));
    const sample: ServeSample = { takenAtMs: Date.now(), heaps: [walked], sites: [{ heap: kind, sites: output.summary.sites }], failures: [] };
    for (const row of list.processes) {
      // The walked pkg heap is already there, with more than its header says.
      if (kind === 'pkg' && row.pid === pid) continue;
      if (row.pkg === null) sample.failures.push({ heap: 'pkg', pid: row.pid, message: row.pkgError ?? 'pkg heap not read' });
      else sample.heaps.push({ heap: 'pkg', pid: row.pid, role: row.role, totals: headerTotals(row.pkg) });
    }
    return sample;
  }

  /** walk --all: shm live, then every process's pkg heap walked; the pkg sites are their sum. */
  private async takeAll(): Promise<ServeSample> {
    const { pid, control, maxPauseMs, gdbPath } = this.request;
    const walk = await walkInstance(pid, { control, maxPauseMs, ...(gdbPath === undefined ? {} : { gdbPath }) });
    const role = walk.processes.find((p) => p.pid === pid)?.role ?? '';
    const heaps: HeapReading[] = [walkedReading(pid, role, walk.shm)];
    const failures: ServeSample['failures'] = [];
    for (const p of walk.processes) {
      const { heap, walk: w, totals, findings } = p;
      if (heap && w && totals && findings) heaps.push(walkedReading(p.pid, p.role, { heap, walk: w, totals, findings }));
      else failures.push({ heap: 'pkg', pid: p.pid, message: p.error ?? 'pkg heap not walked' });
    }
    return { takenAtMs: Date.now(), heaps, sites: [{ heap: 'shm', sites: walk.shm.sites }, { heap: 'pkg', sites: walk.pkgAggregate.sites }], failures };
  }
}

/** The role of `pid` in the process table, '' when it is not there. */
function roleOf(rows: readonly ProcessRow[], pid: number): string {
  return rows.find((r) => r.pid === pid)?.role ?? '';
}

/** The header totals of a `ps` row, without its allocator name. */
function headerTotals({ size, used, realUsed, maxRealUsed, free }: PkgTotals): HeapTotalsReading {
  return { size, used, realUsed, maxRealUsed, free };
}

/** A round that failed as a whole, for the error counter: which heaps it was to read (every round reads pkg, walked or its totals). */
export function heapsOfRound(request: Pick<SampleRequest, 'kind' | 'all'>): HeapKind[] {
  return request.all || request.kind === 'shm' ? ['shm', 'pkg'] : ['pkg'];
}
