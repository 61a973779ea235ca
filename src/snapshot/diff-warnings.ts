// Why a diff of two snapshots may not mean what it seems: they come from other hosts, other
// releases, other processes (a restart in between frees and re-allocates everything: growth then
// is no leak), other heaps, or they are the same snapshot twice or in the wrong order. Warnings,
// not errors: the diff is still printed, and the exit code is the diff's own.
import type { AnySnapshot, ProcessStart, TargetRecord } from './snapshot.js';

export interface DiffWarningOptions {
  /** Both arguments name the same file (after resolving links). */
  sameFile?: boolean;
}

/** Each mismatch as one line, in the order an operator checks them; empty when nothing is odd. */
export function diffWarnings(before: AnySnapshot, after: AnySnapshot, options: DiffWarningOptions = {}): string[] {
  const warnings: string[] = [];
  const a = before.target;
  const b = after.target;
  if (options.sameFile) warnings.push('before and after are the same file: nothing can have changed');
  else if (before.createdAt === after.createdAt) warnings.push(`before and after have the same createdAt (${before.createdAt}): the same snapshot twice?`);
  const elapsed = Date.parse(after.createdAt) - Date.parse(before.createdAt);
  if (elapsed < 0) warnings.push(`after (${after.createdAt}) is older than before (${before.createdAt}): are the arguments swapped?`);
  if (a.host !== undefined && b.host !== undefined && a.host !== b.host) warnings.push(`different hosts: ${a.host} before, ${b.host} after`);
  if (a.kamailioVersion !== undefined && b.kamailioVersion !== undefined && a.kamailioVersion !== b.kamailioVersion) {
    warnings.push(`different Kamailio versions: ${a.kamailioVersion} before, ${b.kamailioVersion} after`);
  }
  const process = processMismatch(a, b, before.heap.kind);
  if (process) warnings.push(process);
  const heap = heapMismatch(before, after);
  if (heap) warnings.push(heap);
  return warnings;
}

/**
 * A pkg heap is one process's: another PID, or the same PID started anew, is another heap. shm is
 * the instance's, read through any of its processes: another instance (its main process's PID or
 * start) is another heap; two PIDs of one instance are not.
 */
function processMismatch(a: TargetRecord, b: TargetRecord, kind: string): string | undefined {
  const restart = 'a restart in between frees and re-allocates everything: growth is not a leak';
  if (kind === 'pkg' || !a.instance || !b.instance) {
    if (a.pid !== b.pid) return `different processes: PID ${who(a)} before, PID ${who(b)} after${kind === 'pkg' ? ': each process has its own pkg heap' : ''}`;
    if (differ(a.started, b.started)) return `PID ${a.pid} was restarted between the snapshots (started ${a.started?.at} before, ${b.started?.at} after): ${restart}`;
  }
  if (a.instance && b.instance && (a.instance.pid !== b.instance.pid || differ(a.instance.started, b.instance.started))) {
    return `different Kamailio instances: main PID ${a.instance.pid} started ${a.instance.started.at} before, main PID ${b.instance.pid} started ${b.instance.started.at} after: ${restart}`;
  }
  return undefined;
}

/** Other heap kinds, blocks or shapes (a `walk --all` snapshot against one heap's). */
function heapMismatch(before: AnySnapshot, after: AnySnapshot): string | undefined {
  const x = before.heap;
  const y = after.heap;
  if (x.kind !== y.kind) return `different heaps: ${x.kind} before, ${y.kind} after`;
  if (x.block !== null && y.block !== null && (x.block !== y.block || x.size !== y.size)) {
    return `different ${x.kind} heaps: block ${x.block} of ${x.size} B before, ${y.block} of ${y.size} B after`;
  }
  if ((before.processes === undefined) !== (after.processes === undefined)) {
    return `only ${before.processes ? 'before' : 'after'} is a walk --all snapshot: only the ${x.kind} heap is compared`;
  }
  return undefined;
}

/** "1234 (udp receiver child=0 sock=...)", or the bare PID when the role is unknown. */
function who(t: TargetRecord): string {
  return t.role === undefined ? String(t.pid) : `${t.pid} (${t.role})`;
}

/** True when both starts are known and name different processes. */
function differ(x: ProcessStart | undefined, y: ProcessStart | undefined): boolean {
  return x !== undefined && y !== undefined && x.ticks !== y.ticks;
}
