// Checks of one Kamailio instance, the wiki's checklist: built with the memory debug fields? how much
// headroom do shm and each pkg heap have? is mem_join on? Nothing is stopped: memory reads only.
import { KamheapError } from '../errors.js';
import { collectProcesses } from '../locate/instance-processes.js';
import { apiRoot, readHeapTotals } from '../locate/locate-heap.js';
import type { InstanceFacts, InstanceSymbols } from '../locate/instance-facts.js';
import { pidLabel } from '../export/pid-label.js';
import { openProcMem } from '../memory/proc-mem.js';
import { releaseName, type KamailioRelease } from '../locate/kamailio-release.js';
import { percent, type CheckResult } from './check.js';

/** The debug-field defines (DBG_SR_MEMORY covers all three allocators). */
const debugDefines = ['DBG_SR_MEMORY', 'DBG_QM_MALLOC', 'DBG_F_MALLOC', 'DBG_TLSF_MALLOC'];
/** The cfg_group_core profile below is valid for builds with exactly these optional members. */
const cfgProfileFlags = ['USE_DST_BLOCKLIST', 'USE_DNS_CACHE', 'PKG_MALLOC'];
/** Offsets in `struct cfg_group_core` (src/core/cfg_core.h, 5.6): all members are 4-byte ints. */
const cfgCore = { memSafety: 180, memJoin: 184 };
/** The release those offsets were read from; the struct gains members between releases. */
const cfgProfileRelease = [5, 6] as const;

/** Debug fields present, or how to get them. */
export function checkDebugFields(release: KamailioRelease): CheckResult {
  const name = release.full ?? releaseName(release);
  const found = debugDefines.filter((d) => release.flags.includes(d));
  if (found.length > 0) return { name: 'debug fields', status: 'ok', verdict: `${name} built with ${found.join(', ')}: every fragment records module, file, function and line` };
  return {
    name: 'debug fields',
    status: 'warn',
    verdict: `${name} built without the memory debug fields: sites are unknown, only sizes can be summed`,
    advice: 'rebuild with `make MEMDBG=1 cfg ...` (plus your include_modules), then `make all && make install`',
  };
}

/** shm headroom, and pkg headroom of the tightest process. */
export async function checkHeadroom(pid: number, facts: InstanceFacts): Promise<CheckResult[]> {
  const { symbols, knowledge } = facts;
  const memory = openProcMem(pid);
  let shm: CheckResult;
  try {
    const h = await readHeapTotals(memory, pid, apiRoot('shm'), symbols._shm_root, knowledge);
    shm = headroom('shm headroom', h.size, h.realUsed, h.maxRealUsed, '-m');
  } finally {
    memory.close();
  }
  return [shm, await pkgHeadroom(pid, facts)];
}

/** The tightest pkg heap of the instance's checked processes; a table kamheap refuses is a FAIL saying why. */
async function pkgHeadroom(pid: number, facts: InstanceFacts): Promise<CheckResult> {
  let list;
  try {
    list = await collectProcesses(pid, undefined, facts);
  } catch (error) {
    if (!(error instanceof KamheapError) || error.kind !== 'heap-not-found') throw error;
    return { name: 'pkg headroom', status: 'fail', verdict: `not checked: ${error.message}`, advice: 'Kamailio reports its own: kamcmd pkg.stats' };
  }
  const readable = list.processes.filter((p) => p.pkg !== null);
  const tightest = readable.sort((a, b) => (a.pkg?.free ?? 0) / (a.pkg?.size ?? 1) - (b.pkg?.free ?? 0) / (b.pkg?.size ?? 1))[0];
  if (!tightest?.pkg) return { name: 'pkg headroom', status: 'warn', verdict: 'no pkg heap could be read' };
  const pkg = headroom('pkg headroom', tightest.pkg.size, tightest.pkg.realUsed, tightest.pkg.maxRealUsed, '-M');
  pkg.verdict = `tightest of ${list.processes.length} processes is PID ${pidLabel(tightest)} (${tightest.role}): ${pkg.verdict}`;
  return pkg;
}

/** One heap's verdict: under 10% free fails, under 25% warns. */
function headroom(name: string, size: number, realUsed: number, maxRealUsed: number, option: string): CheckResult {
  const free = size - realUsed;
  const verdict = `${free} of ${size} B free (${percent(free, size)}), peak use ${percent(maxRealUsed, size)}`;
  const advice = `watch the trend with two walks and kamheap diff; if it is traffic, restart with a larger ${option} (MB)`;
  if (free < size * 0.1) return { name, status: 'fail', verdict, advice };
  if (free < size * 0.25) return { name, status: 'warn', verdict, advice };
  return { name, status: 'ok', verdict };
}

/** mem_join (and mem_safety) as the running process sees its config. */
export async function checkMemJoin(pid: number, symbols: InstanceSymbols, release: KamailioRelease): Promise<CheckResult> {
  const [major, minor] = release.numbers ?? [];
  if (!cfgProfileFlags.every((f) => release.flags.includes(f)) || major !== cfgProfileRelease[0] || minor !== cfgProfileRelease[1]) {
    return { name: 'mem_join', status: 'info', verdict: 'unknown for this build (config layout differs)', advice: 'kamcmd cfg.get core mem_join' };
  }
  const memory = openProcMem(pid);
  try {
    const cfg = (await memory.read(symbols.core_cfg, 8)).readBigUInt64LE(0);
    const raw = await memory.read(cfg, cfgCore.memJoin + 4);
    const join = raw.readInt32LE(cfgCore.memJoin);
    const safety = raw.readInt32LE(cfgCore.memSafety);
    if (join === 0) {
      return { name: 'mem_join', status: 'warn', verdict: `mem_join=0 (mem_safety=${safety}): free fragments are not joined, the heap fragments over time`, advice: 'set mem_join=1 in kamailio.cfg (or kamcmd cfg.set_now_int core mem_join 1)' };
    }
    return { name: 'mem_join', status: 'ok', verdict: `mem_join=${join} (mem_safety=${safety}): free neighbours are joined` };
  } finally {
    memory.close();
  }
}
