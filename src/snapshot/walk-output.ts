// What either walker hands to the summary: heap header values and fragments with their text.
import type { Finding, UnsettledPlace } from '../heap/fragment.js';
import type { FragmentLayout, HeapLayout } from '../heap/layout.js';
import type { ProcessPlace } from '../locate/process-place.js';
import type { HeapHeader, WalkerName } from '../heap/heap-nouns.js';
import type { FragmentList } from './fragment-list.js';
import type { Summary } from './summarize.js';

/**
 * What a snapshot needs to know of the layout (a parsed script output carries only this much): a
 * HeapLayout is one; `debug` only tells whether the build has the debug fields.
 */
export type LayoutSummary = Pick<HeapLayout, 'id' | 'allocator' | 'source'> & {
  fragment: Pick<FragmentLayout, 'userOffset'> & Partial<Pick<FragmentLayout, 'overhead'>> & { debug?: unknown };
};

/**
 * How consistent the memory read was: 'stopped' read it with the target stopped (exact for pkg;
 * shm may still change under other processes); 'live' read the running process, re-reading places
 * torn by an allocation in flight (`rereads`) and listing those that never settled.
 */
export interface WalkConsistency {
  mode: 'stopped' | 'live';
  rereads: number;
  unsettled: UnsettledPlace[];
}

/** The live process a walk read (the bulk walker knows it; a parsed script output does not). */
export interface WalkedProcess {
  /** The machine kamheap ran on (os.hostname()). */
  host: string;
  /** /proc/PID/stat starttime, clock ticks since boot. */
  startTime: number;
  /** The release the executable names (`ver_version`); undefined when it carries none. */
  kamailioVersion: string | undefined;
  /** Its role and instance from the process table; undefined when not read or not readable. */
  place: ProcessPlace | undefined;
}

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
  /** Per-site sums and totals of the fragments walked. */
  summary: Summary;
  fragmentsWalked: number;
  /** The fragments walked, when they were asked for (`--fragments`). */
  fragments: FragmentList | undefined;
  findings: Finding[];
  complete: boolean;
  consistency: WalkConsistency;
  pauseMs: number | null;
  /** Of the pause, what gdb's attach and detach took (bulk walker only). */
  attachMs?: number;
  detachMs?: number;
  durationMs: number | null;
  memoryReads: number | null;
  bytesRead: number | null;
  process?: WalkedProcess;
  /** Where the bulk walker read: /proc/PID/mem, or (when that cannot be opened) the debugger, the target stopped throughout. */
  memorySource?: 'proc' | 'debugger';
}
