// A snapshot as the report's list of heaps: one for a plain walk; for `walk --all`, the shm heap,
// the sum of all pkg heaps and each process's pkg heap. Watch samples and diffs are matched to
// these by `id`, so every part of the page speaks of the same heaps.
import type { HeapKind, SiteRecord } from '../heap/heap-nouns.js';
import type { AnySnapshot, FindingRecord, ProcessSection } from '../snapshot/snapshot.js';

export interface HeapSection {
  /** "shm", "pkg", "pkg-all", "pid-4711". */
  id: string;
  /** "shm heap", "pkg heaps of all 8 processes", "pkg heap of PID 4711 (timer)". */
  label: string;
  kind: HeapKind;
  /** The process whose own pkg heap this is (for `--all` sections and plain pkg walks). */
  pid: number;
  /** Header totals; null where the source does not give them. */
  size: number | null;
  used: number | null;
  realUsed: number | null;
  maxRealUsed: number | null;
  free: number | null;
  usedCount: number;
  usedBytes: number;
  /** Free fragments, when known. */
  freeCount: number | null;
  fragmentation: number | null;
  sites: SiteRecord[];
  findings: FindingRecord[];
  walk: AnySnapshot['walk'] | undefined;
  /** Why a process's heap could not be walked. */
  error?: string;
}

/** The heaps a snapshot holds, the snapshot's own heap first. */
export function heapSections(s: AnySnapshot): HeapSection[] {
  const own: HeapSection = {
    id: s.heap.kind,
    label: `${s.heap.kind} heap${s.heap.kind === 'pkg' ? ` of PID ${s.target.pid}` : ''}`,
    kind: s.heap.kind,
    pid: s.target.pid,
    size: s.heap.size,
    used: s.heap.used,
    realUsed: s.heap.realUsed,
    maxRealUsed: s.heap.maxRealUsed,
    free: s.heap.free,
    usedCount: s.totals.used.count,
    usedBytes: s.totals.used.bytes,
    freeCount: s.totals.free?.count ?? null,
    fragmentation: s.totals.fragmentation,
    sites: s.sites,
    findings: s.findings,
    walk: s.walk,
  };
  const sections = [own];
  const sum = s.pkgAggregate;
  if (sum) {
    sections.push({
      id: 'pkg-all',
      label: `pkg heaps of all ${sum.processes} processes`,
      kind: 'pkg',
      pid: s.target.pid,
      size: sum.size,
      used: sum.used.bytes,
      realUsed: sum.realUsed,
      maxRealUsed: null,
      free: sum.free,
      usedCount: sum.used.count,
      usedBytes: sum.used.bytes,
      freeCount: null,
      fragmentation: null,
      sites: sum.sites,
      findings: [],
      walk: undefined,
    });
  }
  for (const p of s.processes ?? []) sections.push(processSection(p));
  return sections;
}

/** The id of a process's pkg section. */
export function processSectionId(pid: number): string {
  return `pid-${pid}`;
}

// One process of a `walk --all` snapshot.
function processSection(p: ProcessSection): HeapSection {
  const ns = p.nsPid === undefined ? '' : ` (ns ${p.nsPid})`;
  return {
    id: processSectionId(p.pid),
    label: `pkg heap of PID ${p.pid}${ns}: ${p.role}`,
    kind: 'pkg',
    pid: p.pid,
    size: p.heap?.size ?? null,
    used: p.heap?.used ?? null,
    realUsed: p.heap?.realUsed ?? null,
    maxRealUsed: p.heap?.maxRealUsed ?? null,
    free: p.heap?.free ?? null,
    usedCount: p.totals?.used.count ?? 0,
    usedBytes: p.totals?.used.bytes ?? 0,
    freeCount: p.totals?.free?.count ?? null,
    fragmentation: p.totals?.fragmentation ?? null,
    sites: p.sites ?? [],
    findings: p.findings ?? [],
    walk: p.walk,
    ...(p.error === undefined ? {} : { error: p.error }),
  };
}
