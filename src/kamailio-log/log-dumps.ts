// Groups dump blocks into dumps: a status dump and the *_sums block its process wrote right after
// it are one dump (mem_dump_pkg and the shutdown dumps always write both; corex.shm_status /
// mem_dump_shm and corex.shm_summary are separate RPCs an operator runs one after the other).
import type { AllocatorName } from '../heap/layout.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import type { DumpBlock, StatusBlock, SumsBlock } from './dump-blocks.js';
import { resolveTimestamp } from './log-time.js';

/** A status dump, a *_sums block, or both, of one heap as one process logged it. */
export interface LogDump {
  pid: number;
  host: string | undefined;
  kind: HeapKind;
  allocator: AllocatorName | undefined;
  status: StatusBlock | undefined;
  sums: SumsBlock | undefined;
}

/** The longest time between a status dump and the *_sums block that still pairs with it. */
export const PAIR_WINDOW_MS = 60_000;

/**
 * The dumps in the blocks, in the order their first lines appear. A *_sums block joins the status
 * dump before it when that is the previous block of the same process, of the same heap and
 * allocator, and (when both lines carry a time) not more than PAIR_WINDOW_MS older.
 */
export function groupDumps(blocks: readonly DumpBlock[], reference: Date): LogDump[] {
  const dumps: LogDump[] = [];
  const previous = new Map<string, LogDump>();
  const ordered = [...blocks].sort((a, b) => a.origin.firstLine - b.origin.firstLine);
  for (const block of ordered) {
    const key = `${block.origin.host ?? ''}\u0000${block.pid}`;
    const last = previous.get(key);
    if (block.kind === 'sums' && last !== undefined && pairs(last, block, reference)) {
      last.sums = block;
      previous.delete(key);
      continue;
    }
    const dump: LogDump = {
      pid: block.pid,
      host: block.origin.host,
      kind: heapKind(block),
      allocator: block.allocator,
      status: block.kind === 'status' ? block : undefined,
      sums: block.kind === 'sums' ? block : undefined,
    };
    dumps.push(dump);
    previous.set(key, dump);
  }
  return dumps;
}

/**
 * Which heap a block is of: its "Memory ... (pkg|shm)" header says; without one it is shm, since
 * only corex.shm_status and corex.shm_summary dump without a header.
 */
export function heapKind(block: DumpBlock): HeapKind {
  return block.header?.what.startsWith('pkg') === true ? 'pkg' : 'shm';
}

// True when `sums` completes the status-only dump `dump` (see groupDumps).
function pairs(dump: LogDump, sums: SumsBlock, reference: Date): boolean {
  const status = dump.status;
  if (status === undefined || dump.sums !== undefined) return false;
  if (heapKind(sums) !== dump.kind) return false;
  if (sums.allocator !== undefined && dump.allocator !== undefined && sums.allocator !== dump.allocator) return false;
  const from = status.origin.time;
  const to = sums.origin.time;
  if (from === undefined || to === undefined) return true;
  const gap = resolveTimestamp(to, reference).getTime() - resolveTimestamp(from, reference).getTime();
  return gap >= 0 && gap <= PAIR_WINDOW_MS;
}
