// Assembles parsed log lines into whole dumps (a qm_status block or a qm_sums block), one process
// at a time: several processes write to the same log, so their lines interleave.
import {
  parseLogLine,
  parseMemLogBody,
  type HeaderWhat,
  type MemLogRecord,
  type SourceSite,
} from './parse-kamailio-log.js';

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

export interface StatusBlock {
  kind: 'status';
  pid: number;
  header: DumpHeader | undefined;
  heap: HeapTotals;
  /** Without allocation sites (file '', func '', line 0) in a build without DBG_QM_MALLOC. */
  fragments: DumpFragment[];
  /** True when the fragments came with "alloc'd/freed from" lines (a DBG_QM_MALLOC build). */
  sites: boolean;
}

export interface SumsBlock {
  kind: 'sums';
  pid: number;
  header: DumpHeader | undefined;
  entries: SumsEntry[];
  /** False when the build cannot sum per site (qm_sums only warns); entries is then empty. */
  available: boolean;
}

export type DumpBlock = StatusBlock | SumsBlock;

interface PidState {
  /** Set only while the previous line of this pid was a header. */
  header: DumpHeader | undefined;
  block: DumpBlock | undefined;
  /** Fragment line whose "alloc'd/freed from" line has not come yet. */
  pending: Omit<DumpFragment, keyof SourceSite> | undefined;
}

/** Feeds log lines in order; returns each dump block when its end marker arrives. */
export class DumpBlockCollector {
  private readonly states = new Map<number, PidState>();

  // Takes one raw log line; returns the block it completes, if any.
  push(line: string): DumpBlock | undefined {
    const parsed = parseLogLine(line);
    if (parsed === undefined) return undefined;
    let state = this.states.get(parsed.pid);
    if (state === undefined) {
      state = { header: undefined, block: undefined, pending: undefined };
      this.states.set(parsed.pid, state);
    }
    const record = parseMemLogBody(parsed.body);
    if (record === undefined) {
      state.header = undefined;
      return undefined;
    }
    return apply(state, parsed.pid, record);
  }
}

// Applies one record of one process to that process's block under construction.
function apply(state: PidState, pid: number, record: MemLogRecord): DumpBlock | undefined {
  const header = state.header;
  state.header = undefined;
  switch (record.kind) {
    case 'header':
      state.header = { what: record.what, pid: record.pid };
      return undefined;
    case 'status-begin':
      state.block = { kind: 'status', pid, header, heap: emptyHeap(), fragments: [], sites: false };
      state.pending = undefined;
      return undefined;
    case 'sums-begin':
      state.block = { kind: 'sums', pid, header, entries: [], available: true };
      return undefined;
    case 'sums-unavailable':
      // A single warning line stands for the whole (empty) block; it ends nothing else.
      return state.block === undefined ? { kind: 'sums', pid, header, entries: [], available: false } : undefined;
    case 'status-end':
    case 'sums-end':
      return finish(state, record.kind === 'status-end' ? 'status' : 'sums');
    case 'sums-entry':
      if (state.block?.kind === 'sums') {
        const { count, bytes, file, func, line } = record;
        state.block.entries.push({ count, bytes, file, func, line });
      }
      return undefined;
    default:
      if (state.block?.kind === 'status') applyStatus(state, state.block, record);
      return undefined;
  }
}

// Heap totals and fragment lines inside a qm_status block.
function applyStatus(state: PidState, block: StatusBlock, record: MemLogRecord): void {
  switch (record.kind) {
    case 'heap-size':
      block.heap.size = record.size;
      break;
    case 'heap-used':
      block.heap.used = record.used;
      block.heap.realUsed = record.realUsed;
      block.heap.free = record.free;
      break;
    case 'heap-max-used':
      block.heap.maxRealUsed = record.maxRealUsed;
      break;
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
    default:
      break;
  }
}

// A fragment line without its origin line (a build without DBG_QM_MALLOC) still counts.
function flushPending(state: PidState, block: StatusBlock): void {
  if (state.pending === undefined) return;
  block.fragments.push({ ...state.pending, file: '', func: '', line: 0 });
  state.pending = undefined;
}

// Closes the block under construction if it is of the kind the end marker belongs to.
function finish(state: PidState, kind: DumpBlock['kind']): DumpBlock | undefined {
  const block = state.block;
  if (block === undefined || block.kind !== kind) return undefined;
  if (block.kind === 'status') flushPending(state, block);
  state.block = undefined;
  return block;
}

// Totals start at zero until the status block's header lines fill them in.
function emptyHeap(): HeapTotals {
  return { size: 0n, used: 0n, realUsed: 0n, maxRealUsed: 0n, free: 0n };
}

/** Every complete block in a captured log text (for tests and offline use). */
export function collectDumpBlocks(lines: Iterable<string>): DumpBlock[] {
  const collector = new DumpBlockCollector();
  const blocks: DumpBlock[] = [];
  for (const line of lines) {
    const block = collector.push(line);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}
