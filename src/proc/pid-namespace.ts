// A Kamailio in a container has a PID namespace of its own: its process table holds the PIDs its
// processes have there (the main process often 1), which on the host are other processes. Those
// PIDs are mapped to the ones kamheap sees through NSpid (/proc/PID/status), never used as they are.
import { KamheapError } from '../errors.js';
import type { ProcView } from './proc-view.js';

/** How the instance's own PIDs become PIDs kamheap can use. */
export interface PidTranslation {
  /** False when kamheap shares the instance's PID namespace (the host's, or a sidecar's). */
  namespaced: boolean;
  /** The PID kamheap uses for a PID of the instance's namespace; undefined when no process has it. */
  hostPid(nsPid: number): number | undefined;
}

/** The translation for the instance `pid` (a PID as kamheap sees it) belongs to. */
export function pidTranslation(view: ProcView, pid: number): PidTranslation {
  const target = view.pidNamespace(pid);
  if (target === undefined) throw new KamheapError('no-such-process', `no process with PID ${pid}`);
  if (target === view.pidNamespace('self')) return { namespaced: false, hostPid: (nsPid) => nsPid };
  if ((view.facts(pid)?.nsPids.length ?? 0) < 2) {
    throw new KamheapError('heap-not-found', `PID ${pid} is in another PID namespace (${target}) and /proc shows no NSpid for it (Linux 4.1 or later needed)`);
  }
  const map = namespacePids(view, target);
  return { namespaced: true, hostPid: (nsPid) => map.get(nsPid) };
}

/** Every process of the namespace `ns`: its PID there (NSpid's innermost) -> the PID kamheap sees. */
export function namespacePids(view: ProcView, ns: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of view.pids()) {
    let inside: boolean;
    try {
      inside = view.pidNamespace(pid) === ns;
    } catch (error) {
      // A process this user may not inspect is not one kamheap could read anyway.
      if (error instanceof KamheapError && error.kind === 'permission') continue;
      throw error;
    }
    const nsPid = inside ? view.facts(pid)?.nsPids.at(-1) : undefined;
    if (nsPid !== undefined) map.set(nsPid, pid);
  }
  return map;
}

