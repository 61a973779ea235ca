// What either walker hands to the summary: heap header values and fragments with their text.
import type { Finding } from '../heap/fragment.js';
import type { FragmentLayout, HeapLayout } from '../heap/layout.js';
import type { HeapKind, WalkerName } from './snapshot.js';

export interface HeapHeader {
  kind: HeapKind;
  block: bigint;
  size: bigint;
  used: bigint;
  realUsed: bigint;
  maxRealUsed: bigint;
  firstFrag: bigint;
  walkEnd: bigint;
}

/** A fragment whose debug fields are text (empty strings when the build has none). */
export interface ResolvedFragment {
  index: number;
  frag: bigint;
  size: bigint;
  free: boolean;
  module: string;
  file: string;
  function: string;
  line: number;
}

/**
 * What a snapshot needs to know of the layout (a parsed script output carries only this much): a
 * HeapLayout is one; `debug` only tells whether the build has the debug fields.
 */
export type LayoutSummary = Pick<HeapLayout, 'id' | 'allocator' | 'source'> & {
  fragment: Pick<FragmentLayout, 'userOffset'> & { debug?: unknown };
};

export interface WalkOutput {
  walker: WalkerName;
  pid: number;
  executable: string | null;
  layout: LayoutSummary;
  /** The variable the heap was reached through; undefined for script output from before kamheap printed it. */
  rootSymbol: string | undefined;
  header: HeapHeader;
  from: number;
  to: number | undefined;
  fragments: ResolvedFragment[];
  findings: Finding[];
  complete: boolean;
  pauseMs: number | null;
  /** Of the pause, what gdb's attach and detach took (bulk walker only). */
  attachMs?: number;
  detachMs?: number;
  durationMs: number | null;
  memoryReads: number | null;
  bytesRead: number | null;
}
