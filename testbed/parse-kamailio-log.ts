// Pure parsers for the lines Kamailio 5.6.3 writes to stderr (log_stderror=yes) when it dumps its
// q_malloc heaps. Every format below was captured from a live instance (test/fixtures/kamailio/).
//
// Prefix, from dprint.h: "%2d(%d) %s: " process_no, pid, level name; then, for LOG(), the module
// and source location; for q_malloc's LOG_FP(), "qm_status: qm_status(): " or "qm_sums: qm_sums(): ":
//    6(3669) ALERT: <core> [core/pt.c:583]: mem_dump_shm_fixup(): Memory status (shm)
//    6(3669) ALERT: qm_status: qm_status(): heap size= 67108864
//    6(3669) ALERT: qm_status: qm_status(): used= 3095928, used+overhead=3362280, free=63746584
//    6(3669) ALERT: qm_status: qm_status(): max used (+overhead)= 3362280
//    6(3669) ALERT: qm_status: qm_status():      1. N  address=0x7f78a1b2d738 frag=0x7f78a1b2d700 size=320 used=1
//    6(3669) ALERT: qm_status: qm_status():           alloc'd from htable: ht_api.c: ht_add_table(289)
//    6(3669) ALERT: qm_status: qm_status():    299. A  address=0x7f78a1e28db8 frag=0x7f78a1e28d80 size=63746584 used=1
//    6(3669) ALERT: qm_status: qm_status():           freed from tm: t_reply.c: fragm. from qm_malloc(500)
//    6(3669) ALERT: qm_status: qm_status(): -----------------------------
//    6(3669) NOTICE: qm_sums: qm_sums():  count=    85 size=      9784 bytes from htable: ht_api.c: ht_cell_new(186)
// 'N' marks a used fragment, 'A' a free one. FILE carries the module ("htable: ht_api.c",
// "usrloc: ../../core/ut.h") and FUNC may hold spaces ("fragm. from qm_malloc"), so an origin is
// split at its last ": " before "FUNC(LINE)". Messages with an embedded newline continue on
// lines without a prefix ("\t\t bucket size: ..."); those parse to undefined.
//
// A build without the per-fragment debug fields (MEMDBG=0, no DBG_QM_MALLOC) prints the fragment
// lines without their "alloc'd from"/"start check" lines, and instead of a qm_sums block only:
//    7(8110) WARNING: <core> [core/mem/q_malloc.c:1148]: qm_sums(): Enable DBG_QM_MALLOC for getting the status summary
// which parses to 'sums-unavailable'.

/** One prefixed log line. */
export interface LogLine {
  /** Kamailio's process_no (index in core.psx). */
  rank: number;
  pid: number;
  level: string;
  /** Everything after "LEVEL: ". */
  body: string;
}

/** Where a fragment was allocated (or, for a free one, last freed). */
export interface SourceSite {
  file: string;
  func: string;
  line: number;
}

export type HeaderWhat = 'shm-status' | 'shm-sums' | 'pkg-status' | 'pkg-sums';

export type MemLogRecord =
  | { kind: 'header'; what: HeaderWhat; pid: number | undefined }
  | { kind: 'status-begin'; block: bigint }
  | { kind: 'heap-size'; size: bigint }
  | { kind: 'heap-used'; used: bigint; realUsed: bigint; free: bigint }
  | { kind: 'heap-max-used'; maxRealUsed: bigint }
  | { kind: 'fragment'; index: number; free: boolean; address: bigint; frag: bigint; size: bigint; used: boolean }
  | ({ kind: 'fragment-origin'; free: boolean } & SourceSite)
  | { kind: 'status-other' }
  | { kind: 'status-end' }
  | { kind: 'sums-begin' }
  | ({ kind: 'sums-entry'; count: number; bytes: bigint } & SourceSite)
  | { kind: 'sums-end' }
  | { kind: 'sums-unavailable' };

const PREFIX = /^\s*(-?\d+)\((\d+)\) ([A-Z]+): (.*)$/;
const STATUS = 'qm_status: qm_status(): ';
// The per-site summary has one format for all three allocators, behind different prefixes.
const SUMS_PREFIXES = ['qm_sums: qm_sums(): ', 'fm_status: fm_sums(): ', 'tlsf_sums: tlsf_sums(): '];
const END = '-----------------------------';
const HEADER = /Memory (status|still-in-use summary) \((shm|pkg)\)(?: of process (\d+))?:?$/;
const FRAGMENT = /^\s*(\d+)\. ([AN])  address=(\S+) frag=(\S+) size=(\d+) used=(\d+)$/;
const ORIGIN = /^\s*(alloc'd|freed) from (.*)$/;
const SITE = /^(.*): ([^:]*)\((-?\d+)\)$/;
const SUMS_ENTRY = /^\s*count=\s*(\d+) size=\s*(\d+) bytes from (.*)$/;
const SUMS_UNAVAILABLE = /\bqm_sums\(\): Enable DBG_QM_MALLOC for getting the status summary$/;

/** Splits the "%2d(%d) LEVEL: " prefix off a line; undefined for continuation/other lines. */
export function parseLogLine(line: string): LogLine | undefined {
  const m = PREFIX.exec(line);
  if (m === null) return undefined;
  return { rank: Number(m[1]), pid: Number(m[2]), level: m[3] ?? '', body: m[4] ?? '' };
}

/** Parses "FILE: FUNC(LINE)" from the right: FILE may contain ": ", FUNC may contain spaces. */
export function parseSourceSite(text: string): SourceSite | undefined {
  const m = SITE.exec(text);
  if (m === null) return undefined;
  return { file: m[1] ?? '', func: m[2] ?? '', line: Number(m[3]) };
}

// Parses a pointer printed by %p ("0x7f78a1b2d738", or "(nil)").
function pointer(text: string): bigint {
  return text === '(nil)' ? 0n : BigInt(text);
}

/** Classifies the body of a memory-dump line; undefined when it is not one. */
export function parseMemLogBody(body: string): MemLogRecord | undefined {
  if (body.startsWith(STATUS)) return parseStatusText(body.slice(STATUS.length));
  const sums = SUMS_PREFIXES.find((prefix) => body.startsWith(prefix));
  if (sums !== undefined) return parseSumsText(body.slice(sums.length));
  if (SUMS_UNAVAILABLE.test(body)) return { kind: 'sums-unavailable' };
  const header = HEADER.exec(body);
  if (header === null) return undefined;
  const kind = header[1] === 'status' ? 'status' : 'sums';
  return {
    kind: 'header',
    what: `${header[2] === 'shm' ? 'shm' : 'pkg'}-${kind}`,
    pid: header[3] === undefined ? undefined : Number(header[3]),
  };
}

/** Parses the text after "qm_status: qm_status(): ". */
export function parseStatusText(text: string): MemLogRecord {
  if (text === END) return { kind: 'status-end' };
  const fragment = FRAGMENT.exec(text);
  if (fragment !== null) {
    return {
      kind: 'fragment',
      index: Number(fragment[1]),
      free: fragment[2] === 'A',
      address: pointer(fragment[3] ?? ''),
      frag: pointer(fragment[4] ?? ''),
      size: BigInt(fragment[5] ?? '0'),
      used: fragment[6] !== '0',
    };
  }
  const origin = ORIGIN.exec(text);
  const site = origin === null ? undefined : parseSourceSite(origin[2] ?? '');
  if (origin !== null && site !== undefined) {
    return { kind: 'fragment-origin', free: origin[1] === 'freed', ...site };
  }
  let m = /^\((\S+)\):$/.exec(text);
  if (m !== null) return { kind: 'status-begin', block: pointer(m[1] ?? '') };
  m = /^heap size= (\d+)$/.exec(text);
  if (m !== null) return { kind: 'heap-size', size: BigInt(m[1] ?? '0') };
  m = /^used= (\d+), used\+overhead=(\d+), free=(\d+)$/.exec(text);
  if (m !== null) {
    return { kind: 'heap-used', used: BigInt(m[1] ?? '0'), realUsed: BigInt(m[2] ?? '0'), free: BigInt(m[3] ?? '0') };
  }
  m = /^max used \(\+overhead\)= (\d+)$/.exec(text);
  if (m !== null) return { kind: 'heap-max-used', maxRealUsed: BigInt(m[1] ?? '0') };
  return { kind: 'status-other' };
}

/** Parses the text after "qm_sums: qm_sums(): " (or the f_malloc / TLSF equivalent). */
export function parseSumsText(text: string): MemLogRecord | undefined {
  if (text === END) return { kind: 'sums-end' };
  // TLSF says "pool (0x...) summarizing all alloc'ed. fragments:"
  if (text.includes("summarizing all alloc'ed. fragments")) return { kind: 'sums-begin' };
  const m = SUMS_ENTRY.exec(text);
  const site = m === null ? undefined : parseSourceSite(m[3] ?? '');
  if (m === null || site === undefined) return undefined;
  return { kind: 'sums-entry', count: Number(m[1]), bytes: BigInt(m[2] ?? '0'), ...site };
}
