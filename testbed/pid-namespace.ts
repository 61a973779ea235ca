// Kamailio in a PID namespace of its own, as in a container: started by `unshare --pid --fork
// --mount-proc` (util-linux), so its main process is PID 1 there and its process table holds the
// namespace's PIDs. This module builds the launch command and is the tests' own oracle for the
// PID mapping: it reads NSpid from /proc/PID/status itself, not through kamheap's code.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PidNamespaceOptions {
  /**
   * The PID the instance's first child gets in the namespace (its main process stays 1): set
   * through the namespace's own /proc/sys/kernel/ns_last_pid before Kamailio starts. A test gives
   * it the host PID of a decoy process, so that the table holds a PID a host process also has.
   */
  firstChildPid?: number;
}

/** `unshare ... binary args`: the launcher stays the process group leader, Kamailio is its child. */
export function pidNamespaceLaunch(binary: string, args: readonly string[], options: PidNamespaceOptions = {}): { command: string; args: string[] } {
  const unshare = ['--pid', '--fork', '--mount-proc'];
  const first = options.firstChildPid;
  if (first === undefined) return { command: 'unshare', args: [...unshare, binary, ...args] };
  if (!Number.isSafeInteger(first) || first < 2) throw new Error(`firstChildPid must be an integer of at least 2, not ${first}`);
  // The shell is PID 1 and execs Kamailio, which keeps it; the write is a builtin (no fork).
  const script = `echo ${first - 1} > /proc/sys/kernel/ns_last_pid && exec "$0" "$@"`;
  return { command: 'unshare', args: [...unshare, 'sh', '-c', script, binary, ...args] };
}

/** One process of the namespace: its PID here and there. */
export interface NamespacedPid {
  hostPid: number;
  nsPid: number;
  /** Its PID namespace, `pid:[inode]`. */
  namespace: string;
}

/** The processes whose parent chain reaches `launcherPid` and that sit in a PID namespace below this one. */
export function namespacedPids(launcherPid: number): NamespacedPid[] {
  const parents = new Map<number, number>();
  const found: NamespacedPid[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = readOrUndefined(`/proc/${entry}/status`);
    if (status === undefined) continue;
    parents.set(Number(entry), Number(/^PPid:\s*(\d+)/m.exec(status)?.[1] ?? 0));
    const nsPids = (/^NSpid:\s*([\d\s]+)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).map(Number);
    const namespace = readOrUndefined(`/proc/${entry}/ns/pid`, true);
    if (nsPids.length > 1 && namespace !== undefined) found.push({ hostPid: Number(entry), nsPid: nsPids.at(-1) ?? 0, namespace });
  }
  const below = (pid: number): boolean => {
    for (let at = parents.get(pid), depth = 0; at !== undefined && at > 0 && depth < 64; at = parents.get(at), depth++) if (at === launcherPid) return true;
    return false;
  };
  return found.filter((p) => below(p.hostPid));
}

/** The host PID of the process the namespace calls `nsPid`; throws when there is none. */
export function hostPidOf(launcherPid: number, nsPid: number): number {
  const found = namespacedPids(launcherPid).find((p) => p.nsPid === nsPid);
  if (!found) throw new Error(`no process with PID ${nsPid} in the namespace under launcher ${launcherPid}`);
  return found.hostPid;
}

/** A file's text, or a link's target; undefined when the process is gone. */
function readOrUndefined(path: string, link = false): string | undefined {
  try {
    return link ? readlinkSync(path) : readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
