// Who adopts a process of kamheap's whose parent died first (gdb and the guard once kamheap is
// killed; a helper gdb forks): the nearest subreaper above it, else PID 1 of its PID namespace.
// Where that PID 1 is Kamailio's main process (kamheap in Kamailio's own namespace: a sidecar
// container, `docker run --pid container:NAME`, `kubectl debug --target`, `docker exec`),
// Kamailio takes any child it reaps for a dead worker and shuts the whole instance down
// ("child process N exited ... terminating due to SIGCHLD"). There kamheap starts nothing unless
// it runs below kamheap-init (docker/kamheap-init.c, the kamheap image's entrypoint), the
// subreaper that adopts them instead and names itself in KAMHEAP_INIT.
import { KamheapError } from '../errors.js';
import { definedSymbols } from './elf-symbols.js';
import { readStat } from './process.js';

/** The pkg heap roots a Kamailio binary defines (5.0 and later; before the memory API). */
export const kamailioPkgRoots = ['_pkg_root', 'mem_block'] as const;

/** Is the executable of this process a Kamailio binary (it defines a pkg heap root)? False when it cannot be read. */
export function runsKamailioBinary(pid: number): boolean {
  return definedSymbols(`/proc/${pid}/exe`, kamailioPkgRoots).size > 0;
}

/** Does this process run Kamailio? Its name decides when its executable cannot be read. */
export function runsKamailio(pid: number): boolean {
  return runsKamailioBinary(pid) || readStat(pid)?.comm === 'kamailio';
}

/** Refuses to start a child process where Kamailio would adopt it, unless kamheap-init is above. */
export function assertKamailioAdoptsNothing(env: NodeJS.ProcessEnv = process.env): void {
  if (!runsKamailio(1) || belowKamheapInit(env)) return;
  throw new KamheapError(
    'kamailio-adopter',
    'Kamailio is PID 1 of this PID namespace: it would adopt a process kamheap leaves behind and shut down when it reaps it. Run kamheap as "kamheap-init kamheap ..." (the kamheap image does), or from the host',
  );
}

/** KAMHEAP_INIT names a kamheap-init process that is an ancestor of this one. */
export function belowKamheapInit(env: NodeJS.ProcessEnv = process.env): boolean {
  const init = Number(env['KAMHEAP_INIT']);
  if (!Number.isSafeInteger(init) || init <= 0 || readStat(init)?.comm !== 'kamheap-init') return false;
  for (let pid = process.ppid, hops = 0; pid > 0 && hops < 1024; pid = readStat(pid)?.ppid ?? 0, hops++) {
    if (pid === init) return true;
  }
  return false;
}
