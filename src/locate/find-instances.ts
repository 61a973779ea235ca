// The running Kamailio instances, found from /proc for `ps` and `doctor` without a PID: the main
// process of each, a process whose executable is a Kamailio binary and whose parent does not run
// that same executable (the children Kamailio forks all do). PIDs are the ones kamheap sees (the
// host's, for an instance in a container), as everywhere else.
import { KamheapError } from '../errors.js';
import { kamailioPkgRoots, runsKamailioBinary } from '../proc/orphan-adopter.js';
import { inspectProcess } from '../proc/process.js';
import { hostProcView, type ExecutableIdentity, type ProcView } from '../proc/proc-view.js';

export interface FoundInstance {
  /** The main process (what `kamcmd core.psx` lists as entry 0, seen with kamheap's PIDs). */
  pid: number;
  /** Processes running the same executable that descend from it, itself included. */
  processCount: number;
}

export interface InstanceSearch {
  instances: FoundInstance[];
  /** Processes this user may not inspect (not root): they may hide an instance. */
  uninspectable: number;
}

/** Is the executable of this process a Kamailio binary? Asked once per distinct executable. */
export type KamailioTest = (pid: number) => boolean;

/**
 * A Kamailio binary as kamheap tells one before attaching: it defines the pkg heap's root, the
 * symbol `walk` looks for first (`_pkg_root`, or `mem_block` before the memory API).
 */
export const elfKamailioTest: KamailioTest = runsKamailioBinary;

/** Every instance's main process, by PID. */
export function findInstances(view: ProcView = hostProcView, isKamailio: KamailioTest = elfKamailioTest): InstanceSearch {
  const live = new Map<number, { ppid: number; exe: string }>();
  let uninspectable = 0;
  for (const pid of view.pids()) {
    const seen = inspect(view, pid);
    if (seen === 'denied') uninspectable++;
    else if (seen) live.set(pid, seen);
  }
  const verdicts = new Map<string, boolean>();
  const kamailio = (pid: number, exe: string): boolean => {
    if (!verdicts.has(exe)) verdicts.set(exe, isKamailio(pid));
    return verdicts.get(exe) === true;
  };
  const mains = [...live].filter(([pid, p]) => live.get(p.ppid)?.exe !== p.exe && kamailio(pid, p.exe)).map(([pid]) => pid);
  const instances = mains.map((pid) => ({ pid, processCount: [...live.keys()].filter((other) => descendsFrom(live, other, pid)).length }));
  return { instances, uninspectable };
}

/** A live process's parent and executable ('dev:ino'); undefined for kernel threads, zombies and the gone. */
function inspect(view: ProcView, pid: number): { ppid: number; exe: string } | 'denied' | undefined {
  let facts;
  let exe: ExecutableIdentity | undefined;
  try {
    facts = view.facts(pid);
    exe = view.executable(pid);
  } catch (error) {
    if (error instanceof KamheapError && error.kind === 'permission') return 'denied';
    throw error;
  }
  if (!facts || !exe || facts.state === 'Z' || facts.state === 'X') return undefined;
  return { ppid: facts.ppid, exe: `${exe.dev}:${exe.ino}` };
}

/** True when `pid` runs main's executable and its parent chain reaches main (main itself included). */
function descendsFrom(live: Map<number, { ppid: number; exe: string }>, pid: number, main: number): boolean {
  const exe = live.get(main)?.exe;
  for (let at: number | undefined = pid, hops = 0; at !== undefined && hops < 4096; hops++) {
    const p = live.get(at);
    if (!p || p.exe !== exe) return false;
    if (at === main) return true;
    at = p.ppid;
  }
  return false;
}

/** The one instance to use when no PID was given: none is one line (exit 3); several ask for a PID, one line each (exit 2). */
export function theOnlyInstance(search: InstanceSearch, command: string): number {
  const [first, ...rest] = search.instances;
  if (first === undefined) throw noInstanceError(search);
  if (rest.length === 0) return first.pid;
  throw new KamheapError('usage', `${search.instances.length} Kamailio instances are running: give the PID of one (kamheap ${command} PID)`, {
    detailLines: search.instances.map(describeInstance),
  });
}

/** "24034  /usr/sbin/kamailio  7 processes": one instance on one line. */
export function describeInstance(instance: FoundInstance): string {
  let executable: string;
  try {
    executable = inspectProcess(instance.pid).executable ?? '?';
  } catch {
    executable = '(exited)';
  }
  return `${String(instance.pid).padStart(7)}  ${executable}  ${instance.processCount} process${instance.processCount === 1 ? '' : 'es'}`;
}

/** No instance found, saying why there may be one all the same (exit 3). */
export function noInstanceError(search: InstanceSearch): KamheapError {
  const hidden = search.uninspectable > 0 ? `; ${search.uninspectable} processes could not be inspected: run as root or with CAP_SYS_PTRACE` : '';
  return new KamheapError('no-such-process', `no running Kamailio found (no process runs an executable that defines ${kamailioPkgRoots.join(' or ')})${hidden}`);
}
