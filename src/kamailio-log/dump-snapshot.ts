// Turns one dump from the log into a snapshot of the same schema a walk writes, so `diff` and the
// trend read both. What the lines give and what they do not:
// - heap totals and the block address come from a status dump; a *_sums block alone has none (null);
// - fragments come from a q_malloc status dump (f_malloc and TLSF list none);
// - sites come from the status dump's fragments when it lists them all with their origins,
//   otherwise from the *_sums lines (Kamailio's own count and bytes per site);
// - the module is not printed: Kamailio 5.x starts the file string with it ("htable: ht_api.c").
import type { AllocatorName } from '../heap/layout.js';
import { hex } from '../util/hex.js';
import { toolVersion } from '../util/version.js';
import { siteKey, sortSites, summarize } from '../snapshot/summarize.js';
import type { CountBytes, FreeTotals, SiteRecord } from '../heap/heap-nouns.js';
import { snapshotSchemaId, type AnySnapshot, type FragmentRecord, type LogOrigin } from '../snapshot/snapshot.js';
import type { DumpFragment, SumsEntry } from './dump-blocks.js';
import { dumpFindings } from './dump-findings.js';
import type { LogDump } from './log-dumps.js';
import { resolveTimestamp } from './log-time.js';

/** The input a dump was read from. */
export interface LogSource {
  /** As given on the command line; "-" for stdin. */
  file: string;
  /** The file's mtime, or the time stdin was read: the year of stamps without one, the time of lines without a stamp. */
  reference: Date;
  referenceFrom: 'file' | 'read';
}

/** The module of a site from its file string: "htable: ht_api.c" -> "htable", "<core>: timer.c" (4.x) -> "core"; '' without a prefix. */
export function moduleOfFile(file: string): string {
  const colon = file.indexOf(': ');
  return colon <= 0 ? '' : file.slice(0, colon).replace(/^<(.*)>$/, '$1');
}

/** The snapshot of one dump; `includeFragments` lists the status dump's fragments. */
export function logDumpSnapshot(dump: LogDump, source: LogSource, options: { includeFragments: boolean }): AnySnapshot {
  const { status, sums } = dump;
  const findings = dumpFindings(dump);
  const sites = chooseSites(dump, !findings.some((f) => f.kind === 'log-incomplete'));
  const free = freeTotals(status?.fragments ?? []);
  // Every block starts with an allocator's marker line; q_malloc only for the type's sake.
  const allocator: AllocatorName = dump.allocator ?? 'q_malloc';
  const snapshot: AnySnapshot = {
    schema: snapshotSchemaId,
    createdAt: createdAt(dump, source).toISOString(),
    tool: { name: 'kamheap', version: toolVersion() },
    // The syslog host is all a log tells of where the process ran; its version and start it does not.
    target: { pid: dump.pid, executable: null, ...(dump.host ? { host: dump.host } : {}) },
    heap: {
      kind: dump.kind,
      allocator,
      layout: `${allocator}/log`,
      layoutSource: 'log',
      debugFields: status?.sites === true || (sums?.entries.length ?? 0) > 0,
      block: status === undefined ? null : hex(status.block),
      size: status === undefined ? null : Number(status.heap.size),
      used: status === undefined ? null : Number(status.heap.used),
      realUsed: status === undefined ? null : Number(status.heap.realUsed),
      maxRealUsed: status === undefined ? null : Number(status.heap.maxRealUsed),
      free: status === undefined ? null : Number(status.heap.free),
    },
    walk: {
      walker: 'log',
      from: 0,
      to: null,
      fragmentsWalked: status?.fragments.length ?? 0,
      complete: findings.length === 0,
      pauseMs: null,
      durationMs: null,
      memoryReads: null,
      bytesRead: null,
    },
    totals: { used: sites.used, free, fragmentation: fragmentation(free) },
    sites: sites.sites,
    findings,
    log: origin(dump, source, sites.from),
  };
  if (options.includeFragments && status !== undefined) snapshot.fragments = status.fragments.map(fragmentRecord);
  return snapshot;
}

// Sites from the fragments when they are trustworthy and carry origins, else from the sums.
function chooseSites(dump: LogDump, complete: boolean): { sites: SiteRecord[]; used: CountBytes; from: LogOrigin['sitesFrom'] } {
  const fragments = dump.status?.fragments ?? [];
  const sumsUsable = dump.sums !== undefined && dump.sums.available && dump.sums.entries.length > 0;
  if (fragments.length > 0 && ((dump.status?.sites === true && complete) || !sumsUsable)) {
    const used = fragments.filter((f) => !f.free);
    const bytes = used.reduce((n, f) => n + Number(f.size), 0);
    // A build without the debug fields logs no origins: group by size class, as a walk does.
    const sites = dump.status?.sites === true ? sitesOf(used.map((f) => ({ ...f, count: 1, bytes: f.size }))) : sizeClassSites(used);
    return { sites, used: { count: used.length, bytes }, from: 'fragments' };
  }
  if (sumsUsable && dump.sums !== undefined) {
    const entries: SumsEntry[] = dump.sums.entries;
    const used = { count: entries.reduce((n, e) => n + e.count, 0), bytes: entries.reduce((n, e) => n + Number(e.bytes), 0) };
    return { sites: sitesOf(entries), used, from: 'sums' };
  }
  return { sites: [], used: { count: 0, bytes: 0 }, from: 'none' };
}

// Used fragments without origins, summed per power-of-two size class.
function sizeClassSites(used: readonly DumpFragment[]): SiteRecord[] {
  const resolved = used.map((f) => ({ index: f.index, frag: f.frag, size: f.size, free: false, module: '', file: '', function: '', line: 0 }));
  return summarize(resolved, false).sites;
}

// Sums per site; Kamailio's *_sums group by string pointer, so equal text is merged here.
function sitesOf(entries: ReadonlyArray<{ file: string; func: string; line: number; count: number; bytes: bigint }>): SiteRecord[] {
  const sites = new Map<string, SiteRecord>();
  for (const e of entries) {
    const site = { module: moduleOfFile(e.file), file: e.file, function: e.func, line: e.line };
    const known = sites.get(siteKey(site));
    if (known === undefined) sites.set(siteKey(site), { ...site, count: e.count, bytes: Number(e.bytes) });
    else {
      known.count += e.count;
      known.bytes += Number(e.bytes);
    }
  }
  return sortSites([...sites.values()]);
}

// 1 - largest / free bytes, as a walk computes it; unknown without free totals.
function fragmentation(free: FreeTotals | null): number | null {
  if (free === null) return null;
  return free.bytes === 0 ? 0 : Math.round((1 - free.largest / free.bytes) * 1e6) / 1e6;
}

// Free totals only when the dump lists free fragments (q_malloc with mem_status_mode=1).
function freeTotals(fragments: readonly DumpFragment[]): FreeTotals | null {
  const free = fragments.filter((f) => f.free).map((f) => Number(f.size));
  if (free.length === 0) return null;
  return { count: free.length, bytes: free.reduce((a, b) => a + b, 0), largest: Math.max(...free) };
}

// The dump's first line's time; the input's reference time when its lines carry none.
function createdAt(dump: LogDump, source: LogSource): Date {
  const stamp = (dump.status ?? dump.sums)?.origin.time;
  return stamp === undefined ? source.reference : resolveTimestamp(stamp, source.reference);
}

// Where the dump is in the input and how it was read.
function origin(dump: LogDump, source: LogSource, sitesFrom: LogOrigin['sitesFrom']): LogOrigin {
  const blocks = [dump.status, dump.sums].filter((b) => b !== undefined);
  const first = blocks[0]?.origin;
  const stamp = first?.time;
  return {
    file: source.file,
    firstLine: first?.firstLine ?? 0,
    lastLine: Math.max(...blocks.map((b) => b.origin.lastLine)),
    format: first?.format ?? 'stderr',
    host: dump.host ?? null,
    parts: dump.status && dump.sums ? 'status+sums' : dump.status ? 'status' : 'sums',
    sitesFrom,
    timeFrom: stamp === undefined ? source.referenceFrom : stamp.kind === 'exact' ? 'log' : 'log-without-year',
  };
}

// A fragment as a snapshot lists it (the walk's FragmentRecord).
function fragmentRecord(f: DumpFragment): FragmentRecord {
  return {
    index: f.index,
    address: hex(f.address),
    frag: hex(f.frag),
    size: Number(f.size),
    used: !f.free,
    module: moduleOfFile(f.file),
    file: f.file,
    function: f.func,
    line: f.line,
  };
}
