// Pure parsers for the messages Kamailio 5.x logs when it dumps a heap: the status dump
// (`mem_dump_pkg`, `mem_dump_shm`, corex.shm_status, shutdown) and the per-site summary
// (`*_sums`: corex.shm_summary, the pkg dump's second half). Every format below was captured from
// live instances (test/fixtures/kamailio/, test/fixtures/kamailio-log/); this file sees only the
// message, after log-prefix.ts took the line's prefix and level off.
//
// Each line is LOG_FP(..., "qm_status: ", ...): an allocator marker, the function, the text:
//    qm_status: qm_status(): heap size= 67108864
//    qm_status: qm_status():      1. N  address=0x7f78a1b2d738 frag=0x7f78a1b2d700 size=320 used=1
//    qm_status: qm_status():           alloc'd from htable: ht_api.c: ht_add_table(289)
//    qm_status: qm_status():    299. A  address=0x7f78a1e28db8 frag=0x7f78a1e28d80 size=63746584 used=1
//    qm_status: qm_status():           freed from tm: t_reply.c: fragm. from qm_malloc(500)
//    qm_status: qm_status(): -----------------------------
//    qm_sums: qm_sums():  count=    85 size=      9784 bytes from htable: ht_api.c: ht_cell_new(186)
//    fm_status: fm_status(): fm_status (0x7f3878a55000):
//    fm_status: fm_status():  used= 3019304, used+overhead=3064088, free=64044776
//    fm_status: fm_sums(): summarizing all alloc'ed. fragments:
//    tlsf_status: tlsf_status(): status of pool (0x7f5542576000):
//    tlsf_status: tlsf_status(): used= 514664, used+overhead=568352, free=7820176, fragments=10
//    tlsf_status: tlsf_status(): max used (+overhead)=571784, max fragments=10
//    tlsf_sums: tlsf_sums(): pool (0x7fc4f66e8000) summarizing all alloc'ed. fragments:
// 'N' marks a used fragment, 'A' a free one (listed only with mem_status_mode=1). Only q_malloc
// lists fragments; f_malloc and TLSF print totals and free-list statistics. FILE carries the module
// ("htable: ht_api.c", "usrloc: ../../core/ut.h") and FUNC may hold spaces ("fragm. from
// qm_malloc"), so an origin is split at its last ": " before "FUNC(LINE)". Kamailio 4.x printed the
// marker without the function ("fm_status:  count= ..." in the wiki); that is read too. log_prefix
// text may stand before the marker, so the marker is searched, not expected at the start.
//
// A build without the per-fragment debug fields (MEMDBG=0) prints fragment lines without their
// "alloc'd from"/"start check" lines and, instead of a qm_sums block, only:
//    <core> [core/mem/q_malloc.c:1148]: qm_sums(): Enable DBG_QM_MALLOC for getting the status summary
// which parses to 'sums-unavailable'.
import type { AllocatorName } from '../heap/layout.js';

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
  | { kind: 'fragment-check'; message: string }
  | { kind: 'status-other' }
  | { kind: 'status-end' }
  | { kind: 'sums-begin' }
  | ({ kind: 'sums-entry'; count: number; bytes: bigint } & SourceSite)
  | { kind: 'sums-end' }
  | { kind: 'sums-unavailable' };

/** A parsed message and the allocator its marker names (none for the "Memory ..." header lines). */
export interface MemLogEntry {
  allocator: AllocatorName | undefined;
  record: MemLogRecord;
}

const MARKER = /(?:^|\s)(qm|fm|tlsf)_(status|sums): (?:(\w+)\(\): )?/;
const ALLOCATORS: Record<string, AllocatorName> = { qm: 'q_malloc', fm: 'f_malloc', tlsf: 'tlsf_malloc' };
const END = /^-{29}$/;
const HEADER = /Memory (status|still-in-use summary) \((shm|pkg)\)(?: of process (\d+))?:?$/;
const FRAGMENT = /^\s*(\d+)\. ([AN])  address=(\S+) frag=(\S+) size=(\d+) used=(\d+)$/;
const ORIGIN = /^\s*(alloc'd|freed) from (.*)$/;
// Kamailio's report is "end overwritten(%lx, %lx)!": a longer one is not its (and would not fit a finding's message).
const CHECK = /^\s*\* ((?:beginning|end) overwritten.{0,1000})$/;
const SITE = /^(.*): ([^:]*)\((-?\d+)\)$/;
/** Longest file or function name taken (schema/snapshot.schema.json: maxLength of a site's strings). */
const maxSiteText = 4096;
const SUMS_ENTRY = /^\s*count=\s*(\d+) size=\s*(\d+) bytes from (.*)$/;
const SUMS_UNAVAILABLE = /\bqm_sums\(\): Enable DBG_QM_MALLOC for getting the status summary$/;

/** Parses "FILE: FUNC(LINE)" from the right: FILE may contain ": ", FUNC may contain spaces. */
export function parseSourceSite(text: string): SourceSite | undefined {
  const m = SITE.exec(text);
  if (m === null) return undefined;
  const site = { file: m[1] ?? '', func: m[2] ?? '', line: Number(m[3]) };
  // Kamailio's own strings are literals of a few dozen characters; the snapshot schema allows 4096.
  if (site.file.length > maxSiteText || site.func.length > maxSiteText || !Number.isSafeInteger(site.line)) return undefined;
  return site;
}

// Parses a pointer printed by %p ("0x7f78a1b2d738", or "(nil)").
function pointer(text: string): bigint {
  return text === '(nil)' ? 0n : BigInt(text);
}

/** Classifies a Kamailio message as a memory-dump line, with its allocator; undefined when it is not one. */
export function parseMemLogLine(body: string): MemLogEntry | undefined {
  const marker = MARKER.exec(body);
  if (marker !== null) {
    const allocator = ALLOCATORS[marker[1] ?? ''];
    const text = body.slice(marker.index + marker[0].length);
    const func = marker[3];
    // f_malloc's summary runs under the "fm_status: " marker as fm_sums(); 4.x printed no function.
    const sums = marker[2] === 'sums' || func?.endsWith('_sums') === true;
    const record = sums ? parseSumsText(text) : func === undefined ? (parseSumsText(text) ?? parseStatusText(text)) : parseStatusText(text);
    return record === undefined ? undefined : { allocator, record };
  }
  if (SUMS_UNAVAILABLE.test(body)) return { allocator: 'q_malloc', record: { kind: 'sums-unavailable' } };
  const header = HEADER.exec(body);
  if (header === null) return undefined;
  const what: HeaderWhat = `${header[2] === 'shm' ? 'shm' : 'pkg'}-${header[1] === 'status' ? 'status' : 'sums'}`;
  return { allocator: undefined, record: { kind: 'header', what, pid: header[3] === undefined ? undefined : Number(header[3]) } };
}

/** The record of a memory-dump message, without its allocator (see parseMemLogLine). */
export function parseMemLogBody(body: string): MemLogRecord | undefined {
  return parseMemLogLine(body)?.record;
}

/** Parses the text of a status line, after "qm_status: qm_status(): " (or the f_malloc / TLSF one). */
export function parseStatusText(text: string): MemLogRecord {
  if (END.test(text)) return { kind: 'status-end' };
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
  if (origin !== null && site !== undefined) return { kind: 'fragment-origin', free: origin[1] === 'freed', ...site };
  return parseStatusHeader(text) ?? { kind: 'status-other' };
}

// The block address and totals at the top of a status dump, in any allocator's wording.
function parseStatusHeader(text: string): MemLogRecord | undefined {
  let m = /^(?:fm_status |status of pool )?\((\S+)\):$/.exec(text);
  if (m !== null) return { kind: 'status-begin', block: pointer(m[1] ?? '') };
  m = /^\s*heap size= ?(\d+)$/.exec(text);
  if (m !== null) return { kind: 'heap-size', size: BigInt(m[1] ?? '0') };
  m = /^\s*used= ?(\d+), used\+overhead= ?(\d+), free= ?(\d+)(?:, fragments=\d+)?$/.exec(text);
  if (m !== null) return { kind: 'heap-used', used: BigInt(m[1] ?? '0'), realUsed: BigInt(m[2] ?? '0'), free: BigInt(m[3] ?? '0') };
  m = /^\s*max used \(\+overhead\)= ?(\d+)(?:, max fragments=\d+)?$/.exec(text);
  if (m !== null) return { kind: 'heap-max-used', maxRealUsed: BigInt(m[1] ?? '0') };
  m = CHECK.exec(text);
  if (m !== null) return { kind: 'fragment-check', message: m[1] ?? '' };
  return undefined;
}

/** Parses the text of a summary line, after "qm_sums: qm_sums(): " (or the f_malloc / TLSF one). */
export function parseSumsText(text: string): MemLogRecord | undefined {
  if (END.test(text)) return { kind: 'sums-end' };
  // TLSF says "pool (0x...) summarizing all alloc'ed. fragments:"
  if (text.includes("summarizing all alloc'ed. fragments")) return { kind: 'sums-begin' };
  const m = SUMS_ENTRY.exec(text);
  const site = m === null ? undefined : parseSourceSite(m[3] ?? '');
  if (m === null || site === undefined) return undefined;
  return { kind: 'sums-entry', count: Number(m[1]), bytes: BigInt(m[2] ?? '0'), ...site };
}
