// The snapshot model (schema "kamheap.snapshot/1", documented in schema/snapshot.schema.json).
import type { AllocatorName, LayoutSource } from '../heap/layout.js';
import type { FindingKind } from '../heap/fragment.js';
import type { CountBytes, FreeTotals, HeapKind, SiteRecord, WalkerName } from '../heap/heap-nouns.js';
import type { ProcessStart } from '../proc/start-time.js';

export type { ProcessStart };

export const snapshotSchemaId = 'kamheap.snapshot/1';

/** How a snapshot was made: by a walker, or ('log') from Kamailio's own dump lines (`parse-log`). */
export type SnapshotSource = WalkerName | 'log';
/** Where the layout came from; 'log' when no layout was used (a snapshot parsed from the log). */
export type SnapshotLayoutSource = LayoutSource | 'log';
/** A walk's finding kinds, and 'log-incomplete': lines of a dump missing from the log. */
export type SnapshotFindingKind = FindingKind | 'log-incomplete';

export interface FragmentRecord {
  index: number;
  /** The pointer the allocator handed out (`address=` in Kamailio's dump), hex. */
  address: string;
  /** The fragment header's address (`frag=` in Kamailio's dump), hex. */
  frag: string;
  size: number;
  used: boolean;
  module: string;
  file: string;
  function: string;
  line: number;
}

/** A walk's `walk.consistency`: stopped or live, and what a live walk had to re-read. */
export interface ConsistencyRecord {
  mode: 'stopped' | 'live';
  rereads: number;
  unsettled: Array<{ index: number; address: string; message: string }>;
}

export interface FindingRecord {
  kind: SnapshotFindingKind;
  index: number;
  /** Address of the broken fragment's header, hex. */
  address: string;
  message: string;
}

/** Where a snapshot parsed from a log (`kamheap parse-log`) came from. */
export interface LogOrigin {
  /** The file read ("-" for stdin). */
  file: string;
  /** 1-based line numbers of the dump's first and last line in it. */
  firstLine: number;
  lastLine: number;
  /** The line prefix: Kamailio's stderr, classic syslog / journalctl short, ISO syslog, RFC 5424. */
  format: 'stderr' | 'syslog' | 'syslog-iso' | 'rfc5424';
  /** The syslog host field; null for stderr lines. */
  host: string | null;
  /** A status dump (heap totals, fragments), a *_sums block (sites), or both from one process. */
  parts: 'status' | 'sums' | 'status+sums';
  /** Where `sites` come from: the status dump's fragments, the *_sums lines, or nowhere. */
  sitesFrom: 'fragments' | 'sums' | 'none';
  /** Where createdAt comes from: the line's timestamp, one without a year, or the file's mtime / the time it was read. */
  timeFrom: 'log' | 'log-without-year' | 'file' | 'read';
}

/**
 * One heap snapshot. `Unknown` is what a value the source does not give becomes: never for a
 * walk (every value is known), null for a snapshot parsed from the log (`AnySnapshot`): a *_sums
 * block alone gives no heap totals, and a dump that does not list every free fragment gives no free
 * totals.
 */
export interface Snapshot<Unknown extends null = never> {
  schema: typeof snapshotSchemaId;
  createdAt: string;
  tool: { name: 'kamheap'; version: string };
  target: TargetRecord;
  heap: {
    kind: HeapKind;
    allocator: AllocatorName;
    layout: string;
    layoutSource: SnapshotLayoutSource;
    debugFields: boolean;
    /** The variable the heap was reached through (absent in older snapshots and in ones from logs). */
    rootSymbol?: string;
    /** Bytes each fragment takes besides its size (header + trailer) in this layout; absent when unknown (logs, older snapshots). */
    fragmentOverhead?: number;
    block: string | Unknown;
    size: number | Unknown;
    used: number | Unknown;
    realUsed: number | Unknown;
    maxRealUsed: number | Unknown;
    free: number | Unknown;
  };
  walk: {
    walker: SnapshotSource;
    from: number;
    to: number | null;
    fragmentsWalked: number;
    complete: boolean;
    pauseMs: number | null;
    /** Of the pause, gdb's attach (request to target stopped) and detach (request to answer); bulk walker only, absent in older snapshots. */
    attachMs?: number;
    detachMs?: number;
    durationMs: number | null;
    memoryReads: number | null;
    bytesRead: number | null;
    /** Bulk walker: `proc` (/proc/PID/mem) or `debugger` (its memory reads, the target stopped for the whole walk); absent in older snapshots. */
    memorySource?: 'proc' | 'debugger';
    /** How the memory was read (absent in snapshots from before kamheap 0.2 and from logs). */
    consistency?: ConsistencyRecord;
  };
  totals: {
    used: CountBytes;
    free: FreeTotals | Unknown;
    /** 1 - largest free fragment / free bytes: 0 is one free block, near 1 is free memory in crumbs. */
    fragmentation: number | Unknown;
  };
  sites: SiteRecord[];
  fragments?: FragmentRecord[];
  findings: FindingRecord[];
  /** Only in a snapshot parsed from the log. */
  log?: LogOrigin;
  /** Only with `walk --all`: the pkg heap of every process of the instance (this snapshot's heap is shm). */
  processes?: ProcessSection[];
  /** Only with `walk --all`: all pkg heaps summed. */
  pkgAggregate?: PkgAggregate;
}

/**
 * The process walked and where it ran. Beyond pid and executable every field is optional: absent
 * in snapshots of kamheap versions before them, from a hand-run script's output (`parse`), and
 * wherever the source does not tell (`parse-log` knows only the syslog host).
 */
export interface TargetRecord {
  pid: number;
  executable: string | null;
  /** The machine's hostname (kamheap's, for a walk; the syslog host field, for a log). */
  host?: string;
  /** The release the executable names in its own version string (`ver_version`, what `kamailio -v` prints). */
  kamailioVersion?: string;
  /** When the process started; `ticks` (/proc/PID/stat starttime) with `pid` names it exactly. */
  started?: ProcessStart;
  /** Its role in Kamailio's process table, as `kamheap ps` and `kamcmd core.psx` show it. */
  role?: string;
  /** The instance: its main process (process table entry 0) and when that started. */
  instance?: { pid: number; started: ProcessStart };
}

/** Any snapshot kamheap reads back: walked, or parsed from the log with some values unknown (null). */
export type AnySnapshot = Snapshot<null>;

/** One process's pkg heap, or why it could not be walked (it exited, no permission...). */
export interface ProcessSection {
  /** The PID as kamheap sees it (the host's, for an instance in a container). */
  pid: number;
  /** The PID in the instance's own PID namespace, when that is not kamheap's. */
  nsPid?: number;
  index: number;
  role: string;
  /** When the process started (absent in snapshots of kamheap versions before it). */
  started?: ProcessStart;
  heap?: Snapshot['heap'];
  walk?: Snapshot['walk'];
  totals?: Snapshot['totals'];
  sites?: SiteRecord[];
  findings?: Snapshot['findings'];
  error?: string;
}

/** All pkg heaps summed: how much private memory the instance holds, and where. */
export interface PkgAggregate {
  processes: number;
  size: number;
  realUsed: number;
  free: number;
  used: CountBytes;
  sites: SiteRecord[];
}
