// Kamailio's own process table (`pt`, `process_count` in shm; src/core/pt.h), read from memory so
// it works without the ctl module and without stopping anything.
import { KamheapError } from '../errors.js';
import type { RawMemory } from '../memory/proc-mem.js';

/** `struct process_table` of a build with USE_TCP (Debian's): pid, unix_sock, idx, status, rank, desc[128]. */
export const processTableLayout = { size: 148, pid: 0, rank: 16, desc: 20, descLength: 128 } as const;

export interface KamailioProcessEntry {
  index: number;
  pid: number;
  rank: number;
  /** The role Kamailio recorded, e.g. "udp receiver child=0 sock=127.0.0.1:5060". */
  role: string;
}

/** Reads the process table through any process of the instance. */
export async function readProcessTable(memory: RawMemory, ptAddress: bigint, processCountAddress: bigint): Promise<KamailioProcessEntry[]> {
  const table = (await memory.read(ptAddress, 8)).readBigUInt64LE(0);
  const countPointer = (await memory.read(processCountAddress, 8)).readBigUInt64LE(0);
  if (table === 0n || countPointer === 0n) throw new KamheapError('heap-not-found', 'the process table is not initialized yet');
  const count = (await memory.read(countPointer, 4)).readInt32LE(0);
  if (count < 1 || count > 4096) throw new KamheapError('heap-corrupt', `implausible process count ${count}`);
  const L = processTableLayout;
  const raw = await memory.read(table, count * L.size);
  const entries: KamailioProcessEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = index * L.size;
    const desc = raw.subarray(at + L.desc, at + L.desc + L.descLength);
    const nul = desc.indexOf(0);
    entries.push({
      index,
      pid: raw.readInt32LE(at + L.pid),
      rank: raw.readInt32LE(at + L.rank),
      role: desc.subarray(0, nul < 0 ? desc.length : nul).toString('utf8'),
    });
  }
  return entries;
}
