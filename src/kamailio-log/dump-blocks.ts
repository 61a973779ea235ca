// Assembles memory-dump lines into whole blocks (one status dump, or one *_sums block), one process
// at a time: several processes write to the same log, so their lines interleave. A process is its
// PID on its host (a syslog file may hold several hosts). q_malloc and f_malloc end both kinds of
// block with a "-----" line; TLSF's status dump (and any status dump with mem_summary & 16) has
// none, so an open block also ends when its process starts another one, and at the end of input.
import type { AllocatorName } from '../heap/layout.js';
import { parsePrefixedLine, type LogFormat, type LogTimestamp } from './log-prefix.js';
import { parseMemLogLine, type HeaderWhat, type MemLogEntry, type MemLogRecord, type SourceSite } from './mem-log-line.js';

export interface HeapTotals {
  size: bigint;
  used: bigint;
  realUsed: bigint;
  maxRealUsed: bigint;
  free: bigint;
}

export interface DumpFragment extends SourceSite {
  /** Position in the heap walk (qm_status counts every fragment, free or used). */
  index: number;
  /** User pointer: frag + sizeof(struct qm_frag). */
  address: bigint;
  frag: bigint;
  size: bigint;
  free: boolean;
}

export interface SumsEntry extends SourceSite {
  count: number;
  bytes: bigint;
}

/** The "Memory ..." line a process logged right before a dump, if any. */
export interface DumpHeader {
  what: HeaderWhat;
  pid: number | undefined;
}

/** Where a block's lines are in the input, and what their prefix said. */
export interface BlockOrigin {
  format: LogFormat;
  host: string | undefined;
  /** 1-based number of the block's first line (its "Memory ..." header when it has one). */
  firstLine: number;
  lastLine: number;
  /** The first line's timestamp, when the prefix has one. */
  time: LogTimestamp | undefined;
}

/** A fragment whose check words qm_status reports overwritten ("* beginning overwritten(...)!"). */
export interface CheckProblem {
  index: number;
  frag: bigint;
  message: string;
}

export interface StatusBlock {
  kind: 'status';
  pid: number;
  header: DumpHeader | undefined;
  allocator: AllocatorName | undefined;
  origin: BlockOrigin;
  /** The allocator's block (q_malloc, f_malloc) or pool (TLSF) address, from the first line. */
  block: bigint;
  heap: HeapTotals;
  /** How many of the three totals lines (heap size; used, used+overhead, free; max used) came. */
  totalsLines: number;
  /** Without allocation sites (file '', func '', line 0) in a build without DBG_QM_MALLOC. */
  fragments: DumpFragment[];
  /** True when the fragments came with "alloc'd/freed from" lines (a DBG_QM_MALLOC build). */
  sites: boolean;
  /** Lines came after the totals (fragments, free-list statistics): q_malloc and f_malloc then end with "-----". */
  listed: boolean;
  /** The "-----" end line came. */
  ended: boolean;
  checks: CheckProblem[];
}

export interface SumsBlock {
  kind: 'sums';
  pid: number;
  header: DumpHeader | undefined;
  allocator: AllocatorName | undefined;
  origin: BlockOrigin;
  entries: SumsEntry[];
  /** False when the build cannot sum per site (qm_sums only warns); entries is then empty. */
  available: boolean;
  ended: boolean;
}

export type DumpBlock = StatusBlock | SumsBlock;

/** A line's place: its number and what its prefix said. */
interface LineAt {
  line: number;
  format: LogFormat;
  host: string | undefined;
  time: LogTimestamp | undefined;
}

interface PidState {
  /** Set only while the previous line of this process was a header. */
  header: { header: DumpHeader; at: LineAt } | undefined;
  block: DumpBlock | undefined;
  /** Fragment line whose "alloc'd/freed from" line has not come yet. */
  pending: Omit<DumpFragment, keyof SourceSite> | undefined;
}

/** Feeds log lines in order; hands out each dump block once it is complete. */
export class DumpBlockCollector {
  private readonly states = new Map<string, PidState>();
  private lineNumber = 0;

  // Takes the next raw line; returns the blocks it completes (usually none).
  push(line: string): DumpBlock[] {
    this.lineNumber++;
    const parsed = parsePrefixedLine(line);
    if (parsed === undefined) return [];
    const key = `${parsed.host ?? ''}\u0000${parsed.pid}`;
    let state = this.states.get(key);
    if (state === undefined) {
      state = { header: undefined, block: undefined, pending: undefined };
      this.states.set(key, state);
    }
    const entry = parseMemLogLine(parsed.body);
    if (entry === undefined) {
      state.header = undefined;
      return [];
    }
    const at: LineAt = { line: this.lineNumber, format: parsed.format, host: parsed.host, time: parsed.time };
    return apply(state, parsed.pid, entry, at);
  }

  // Ends the input: every block still open (a TLSF status dump, a cut-off one) in line order.
  finish(): DumpBlock[] {
    const open = [...this.states.values()].flatMap(close);
    return open.sort((a, b) => a.origin.firstLine - b.origin.firstLine);
  }
}

// Applies one record of one process to that process's block under construction.
function apply(state: PidState, pid: number, { allocator, record }: MemLogEntry, at: LineAt): DumpBlock[] {
  const header = state.header;
  state.header = undefined;
  const origin = (): BlockOrigin => originAt(header?.at ?? at, at);
  switch (record.kind) {
    case 'header': {
      const closed = close(state);
      state.header = { header: { what: record.what, pid: record.pid }, at };
      return closed;
    }
    case 'status-begin': {
      const closed = close(state);
      state.block = {
        kind: 'status', pid, header: header?.header, allocator, origin: origin(), block: record.block, heap: emptyHeap(),
        totalsLines: 0, fragments: [], sites: false, listed: false, ended: false, checks: [],
      };
      return closed;
    }
    case 'sums-begin': {
      const closed = close(state);
      state.block = { kind: 'sums', pid, header: header?.header, allocator, origin: origin(), entries: [], available: true, ended: false };
      return closed;
    }
    case 'sums-unavailable':
      // One warning line stands for the whole (empty) block.
      return [...close(state), { kind: 'sums', pid, header: header?.header, allocator, origin: origin(), entries: [], available: false, ended: true }];
    case 'status-end':
    case 'sums-end':
      if (state.block === undefined) return [];
      state.block.ended = true;
      state.block.origin.lastLine = at.line;
      return close(state);
    default:
      if (state.block === undefined) return [];
      state.block.origin.lastLine = at.line;
      if (state.block.kind === 'status') applyStatus(state, state.block, record);
      else if (record.kind === 'sums-entry') state.block.entries.push({ count: record.count, bytes: record.bytes, file: record.file, func: record.func, line: record.line });
      return [];
  }
}

// Heap totals, fragment lines and check reports inside a status dump.
function applyStatus(state: PidState, block: StatusBlock, record: MemLogRecord): void {
  switch (record.kind) {
    case 'heap-size':
      block.heap.size = record.size;
      block.totalsLines++;
      return;
    case 'heap-used':
      block.heap.used = record.used;
      block.heap.realUsed = record.realUsed;
      block.heap.free = record.free;
      block.totalsLines++;
      return;
    case 'heap-max-used':
      block.heap.maxRealUsed = record.maxRealUsed;
      block.totalsLines++;
      return;
    case 'fragment': {
      flushPending(state, block);
      const { index, address, frag, size, free } = record;
      state.pending = { index, address, frag, size, free };
      break;
    }
    case 'fragment-origin':
      if (state.pending !== undefined) {
        block.fragments.push({ ...state.pending, file: record.file, func: record.func, line: record.line });
        block.sites = true;
        state.pending = undefined;
      }
      break;
    case 'fragment-check': {
      flushPending(state, block);
      const last = block.fragments.at(-1);
      if (last !== undefined) block.checks.push({ index: last.index, frag: last.frag, message: record.message });
      break;
    }
    default:
      break;
  }
  block.listed = true;
}

// A fragment line without its origin line (a build without DBG_QM_MALLOC) still counts.
function flushPending(state: PidState, block: StatusBlock): void {
  if (state.pending === undefined) return;
  block.fragments.push({ ...state.pending, file: '', func: '', line: 0 });
  state.pending = undefined;
}

// Hands out the block under construction, ended or not.
function close(state: PidState): DumpBlock[] {
  const block = state.block;
  if (block === undefined) return [];
  if (block.kind === 'status') flushPending(state, block);
  state.block = undefined;
  state.pending = undefined;
  return [block];
}

// A block's origin from its first line (the header's, when it has one) to the current line.
function originAt(first: LineAt, current: LineAt): BlockOrigin {
  return { format: first.format, host: first.host, firstLine: first.line, lastLine: current.line, time: first.time };
}

// Totals start at zero until the status dump's header lines fill them in.
function emptyHeap(): HeapTotals {
  return { size: 0n, used: 0n, realUsed: 0n, maxRealUsed: 0n, free: 0n };
}

/** Every block in a captured log text, the ones left open at its end included. */
export function collectDumpBlocks(lines: Iterable<string>): DumpBlock[] {
  const collector = new DumpBlockCollector();
  const blocks: DumpBlock[] = [];
  for (const line of lines) blocks.push(...collector.push(line));
  return [...blocks, ...collector.finish()];
}
