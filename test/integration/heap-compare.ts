// Helpers for comparing kamheap snapshots with Kamailio's own dumps, field by field.
import { fillShm, runSipp, startKamailio, type Allocator, type DumpFragment, type KamailioInstance, type StartOptions, type SumsEntry } from '../../testbed/index.js';
import { snapshotWithFragments } from '../helpers/snapshot-fragments.js';
import type { HeapKind, WalkerName } from '../../src/heap/heap-nouns.js';
import type { AnySnapshot, Snapshot } from '../../src/snapshot/snapshot.js';
import { bulkWalk } from '../../src/walk/bulk-walker.js';
import { scriptWalk } from '../../src/walk/script-walker.js';
import type { WalkRange } from '../../src/heap/fragment.js';
import { heapRootSymbol } from '../../src/locate/heap-roots.js';
import { RunControl } from '../../src/run-control.js';

/** One walk through the library API (the same code path as the CLI), with fragments. */
export async function walk(pid: number, kind: HeapKind, walker: WalkerName = 'bulk', range: WalkRange = { from: 0, to: undefined }, heapSymbol?: string): Promise<Snapshot> {
  const root = heapSymbol === undefined ? {} : { heapSymbol: heapRootSymbol(kind, heapSymbol) };
  // No pause limit: a script walk of a large test heap may take minutes (the CLI's default is 30 s).
  const request = { pid, kind, range, control: new RunControl(), ...root };
  return snapshotWithFragments(walker === 'bulk' ? await bulkWalk(request, { fragments: true }) : await scriptWalk(request));
}

/** Walks until two consecutive walks agree, so a comparison is not spoiled by a timer's allocation. */
export async function walkStable(pid: number, kind: HeapKind, walker: WalkerName = 'bulk', attempts = 8): Promise<Snapshot> {
  let previous = await walk(pid, kind, walker);
  for (let i = 0; i < attempts; i++) {
    const next = await walk(pid, kind, walker);
    if (sameFragments(previous, next)) return next;
    previous = next;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the ${kind} heap of ${pid} did not settle`);
}

/** True when two snapshots list the same fragments (address, size, state, site). */
export function sameFragments(a: Snapshot, b: Snapshot): boolean {
  const ka = snapshotFragmentLines(a);
  const kb = snapshotFragmentLines(b);
  return ka.length === kb.length && ka.every((line, i) => line === kb[i]);
}

/** Fragments as comparable lines: index, address, frag, size, used, file, function(line). */
export function snapshotFragmentLines(s: AnySnapshot): string[] {
  return (s.fragments ?? []).map((f) => `${f.index} ${f.address} ${f.frag} ${f.size} ${f.used ? 'used' : 'free'} ${f.file}: ${f.function}(${f.line})`);
}

/** The same lines from Kamailio's qm_status dump. */
export function dumpFragmentLines(fragments: readonly DumpFragment[]): string[] {
  return fragments.map(
    (f) => `${f.index} 0x${f.address.toString(16)} 0x${f.frag.toString(16)} ${f.size} ${f.free ? 'free' : 'used'} ${f.file}: ${f.func}(${f.line})`,
  );
}

/** Per-site "count bytes" keyed by `file: function(line)` from a snapshot (qm_sums prints no module). */
export function snapshotSiteTotals(s: AnySnapshot): Map<string, string> {
  const totals = new Map<string, { count: number; bytes: bigint }>();
  for (const site of s.sites) add(totals, `${site.file}: ${site.function}(${site.line})`, site.count, BigInt(site.bytes));
  return render(totals);
}

/** The same from qm_sums lines; Kamailio groups by string pointer, so equal text is merged here. */
export function sumsSiteTotals(entries: readonly SumsEntry[]): Map<string, string> {
  const totals = new Map<string, { count: number; bytes: bigint }>();
  for (const e of entries) add(totals, `${e.file}: ${e.func}(${e.line})`, e.count, e.bytes);
  return render(totals);
}

function add(totals: Map<string, { count: number; bytes: bigint }>, key: string, count: number, bytes: bigint): void {
  const t = totals.get(key) ?? { count: 0, bytes: 0n };
  t.count += count;
  t.bytes += bytes;
  totals.set(key, t);
}

function render(totals: Map<string, { count: number; bytes: bigint }>): Map<string, string> {
  return new Map([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, `count=${v.count} bytes=${v.bytes}`]));
}

/** A loaded instance: REGISTERs (usrloc), MESSAGEs (tm), htable cells; every request allocates. */
export async function loadedInstance(shmAllocator: Allocator, pkgAllocator: Allocator, start: Omit<StartOptions, 'shmAllocator' | 'pkgAllocator'> = {}): Promise<KamailioInstance> {
  const kamailio = await startKamailio({ children: 2, ...start, shmAllocator, pkgAllocator });
  await runSipp(kamailio, { scenario: 'register', calls: 300, rate: 300 });
  await runSipp(kamailio, { scenario: 'message', calls: 100, rate: 200 });
  await fillShm(kamailio, { cells: 3000 });
  return kamailio;
}

/** The pid of the process whose core.psx description matches. */
export async function pidOf(kamailio: KamailioInstance, role: RegExp): Promise<number> {
  const process = (await kamailio.processes()).find((p) => role.test(p.description));
  if (!process) throw new Error(`no process matching ${role}`);
  return process.pid;
}

/** The used fragments (address, size, site) of a snapshot, in heap order. */
function usedLines(s: Snapshot): string[] {
  return snapshotFragmentLines(s).filter((line) => line.includes(' used ')).map((line) => line.slice(line.indexOf(' ') + 1));
}

/**
 * Runs `read` between two walks until they hold the same used fragments: the oracle then saw the
 * walked heap. (A UDP receiver dumps when the wake-up request arrives, before handling it; f_malloc
 * does not merge what that request freed, so only the free fragments may differ afterwards.)
 */
export async function settled<T>(pid: number, kind: HeapKind, read: () => Promise<T>): Promise<{ snapshot: Snapshot; oracle: T }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const snapshot = await walkStable(pid, kind);
    const oracle = await read();
    const after = await walk(pid, kind);
    if (usedLines(snapshot).join('\n') === usedLines(after).join('\n')) return { snapshot, oracle };
  }
  throw new Error(`the ${kind} heap of ${pid} kept changing around Kamailio's own dump`);
}

/** The heap totals of a snapshot, named as kamcmd names them. */
export function totals(s: Snapshot): Record<string, number> {
  return { total: s.heap.size, used: s.heap.used, real_used: s.heap.realUsed, max_used: s.heap.maxRealUsed, free: s.heap.free };
}
