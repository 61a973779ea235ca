// Kamailio's own process table (`pt`, `process_count` in shm; src/core/pt.h), read from memory so
// it works without the ctl module and without stopping anything. What is read here is only what
// the bytes say, in the layout given: check-process-table.ts decides whether to believe it.
import { KamheapError } from '../errors.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { ProcessTableLayout } from './process-table-layouts.js';

/** More entries than any instance has: a count past it is not a count. */
const maxProcesses = 4096;

export interface ProcessTableEntry {
  index: number;
  /** The PID as Kamailio recorded it: in the instance's own PID namespace. */
  pid: number;
  /** Kamailio's rank of the process; null where the struct has none (before 5.3). */
  rank: number | null;
  /** The role Kamailio recorded, e.g. "udp receiver child=0 sock=127.0.0.1:5060". */
  role: string;
  /** Why `role` is not the text Kamailio writes there (not NUL-terminated, control bytes...). */
  roleProblem?: string;
}

/** The table's raw bytes: `count` entries of `layout.size`. */
export interface ProcessTableBytes {
  count: number;
  bytes: Buffer;
}

/** Reads the table through any process of the instance (it lives in shm). */
export async function readProcessTableBytes(memory: RawMemory, ptAddress: bigint, processCountAddress: bigint, layout: ProcessTableLayout): Promise<ProcessTableBytes> {
  const table = (await memory.read(ptAddress, 8)).readBigUInt64LE(0);
  const countPointer = (await memory.read(processCountAddress, 8)).readBigUInt64LE(0);
  if (table === 0n || countPointer === 0n) throw new KamheapError('heap-not-found', 'the process table is not initialized yet');
  const count = (await memory.read(countPointer, 4)).readInt32LE(0);
  if (count < 1 || count > maxProcesses) throw new KamheapError('heap-not-found', `implausible process count ${count}: not a process table kamheap can read`);
  return { count, bytes: Buffer.from(await memory.read(table, count * layout.size)) };
}

/** The entries the bytes hold in `layout`; pure, so captured tables are decoded in tests as they are live. */
export function decodeProcessTable({ count, bytes }: ProcessTableBytes, layout: ProcessTableLayout): ProcessTableEntry[] {
  if (bytes.length < count * layout.size) throw new KamheapError('heap-not-found', `process table cut short: ${bytes.length} bytes for ${count} entries of ${layout.size}`);
  const entries: ProcessTableEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = index * layout.size;
    const { role, problem } = decodeRole(bytes.subarray(at + layout.desc, at + layout.desc + layout.descLength));
    entries.push({
      index,
      pid: bytes.readInt32LE(at + layout.pid),
      rank: layout.rank === undefined ? null : bytes.readInt32LE(at + layout.rank),
      role,
      ...(problem === undefined ? {} : { roleProblem: problem }),
    });
  }
  return entries;
}

/**
 * `desc` as Kamailio writes it: 1 to length-1 bytes of text and a NUL (strncpy/snprintf with
 * MAX_PT_DESC into a zeroed table). Anything else means the layout does not fit these bytes.
 */
export function decodeRole(desc: Buffer): { role: string; problem?: string } {
  const nul = desc.indexOf(0);
  const text = desc.subarray(0, nul < 0 ? desc.length : nul);
  const role = text.toString('utf8');
  if (nul < 0) return { role, problem: `role is not NUL-terminated within its ${desc.length} bytes` };
  if (nul === 0) return { role, problem: 'role is empty' };
  const control = text.findIndex((b) => b < 0x20 || b === 0x7f);
  if (control >= 0) return { role, problem: `role has control byte 0x${(text[control] ?? 0).toString(16).padStart(2, '0')} at offset ${control}` };
  if (!Buffer.from(role, 'utf8').equals(text)) return { role, problem: 'role is not UTF-8 text' };
  return { role };
}
