// The snapshot model (schema "kamheap.snapshot/1", documented in schema/snapshot.schema.json).
import type { AllocatorName, LayoutSource } from '../heap/layout.js';
import type { FindingKind } from '../heap/fragment.js';

export const snapshotSchemaId = 'kamheap.snapshot/1';

export type HeapKind = 'pkg' | 'shm';
export type WalkerName = 'bulk' | 'script';

/** One allocation site: every used fragment allocated from the same module, file, function and line. */
export interface SiteRecord {
  module: string;
  file: string;
  function: string;
  line: number;
  count: number;
  bytes: number;
}

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

export interface FindingRecord {
  kind: FindingKind;
  index: number;
  /** Address of the broken fragment's header, hex. */
  address: string;
  message: string;
}

export interface CountBytes {
  count: number;
  bytes: number;
}

export interface Snapshot {
  schema: typeof snapshotSchemaId;
  createdAt: string;
  tool: { name: 'kamheap'; version: string };
  target: { pid: number; executable: string | null };
  heap: {
    kind: HeapKind;
    allocator: AllocatorName;
    layout: string;
    layoutSource: LayoutSource;
    debugFields: boolean;
    block: string;
    size: number;
    used: number;
    realUsed: number;
    maxRealUsed: number;
    free: number;
  };
  walk: {
    walker: WalkerName;
    from: number;
    to: number | null;
    fragmentsWalked: number;
    complete: boolean;
    pauseMs: number | null;
    durationMs: number | null;
    memoryReads: number | null;
    bytesRead: number | null;
  };
  totals: {
    used: CountBytes;
    free: CountBytes & { largest: number };
    /** 1 - largest free fragment / free bytes: 0 is one free block, near 1 is free memory in crumbs. */
    fragmentation: number;
  };
  sites: SiteRecord[];
  fragments?: FragmentRecord[];
  findings: FindingRecord[];
}
