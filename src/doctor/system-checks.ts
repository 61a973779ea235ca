// Checks of this machine and this user: gdb, the right to attach, and the OS memory view.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { assertKamailioAdoptsNothing } from '../proc/orphan-adopter.js';
import { percent, type CheckResult } from './check.js';
import type { TargetAccess } from './target-access.js';

const capSysPtrace = 19n;

/** gdb is installed and answers (never asked where Kamailio would adopt it: proc/orphan-adopter.ts). */
export async function checkGdb(gdbPath: string): Promise<CheckResult> {
  assertKamailioAdoptsNothing();
  const result = await execa(gdbPath, ['-nx', '--batch', '--version'], { reject: false, timeout: 10_000 });
  if (result.exitCode !== 0) return { name: 'gdb', status: 'fail', verdict: `${gdbPath} does not run`, advice: 'apt-get install gdb' };
  return { name: 'gdb', status: 'ok', verdict: String(result.stdout).split('\n')[0] ?? 'gdb' };
}

/** What the kernel weighs when this user attaches. */
export interface PtraceRights {
  root: boolean;
  hasCap: boolean;
  /** Yama's ptrace_scope, undefined without Yama. */
  scope: number | undefined;
}

/** Whether this user may attach: in general, and to the target when there is one. */
export function checkPtrace(target?: TargetAccess): CheckResult {
  return ptraceVerdict(readPtraceRights(), target);
}

/** This process's rights, from /proc. */
export function readPtraceRights(): PtraceRights {
  const status = readFileSync('/proc/self/status', 'utf8');
  const capEff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
  let scope: number | undefined;
  try {
    scope = Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim());
  } catch {
    scope = undefined;
  }
  return { root: process.geteuid?.() === 0, hasCap: ((capEff >> capSysPtrace) & 1n) === 1n, scope };
}

/**
 * The ptrace line. Without a target it says what this user may attach to in general; with one,
 * whether /proc/PID/mem opened decides, as the kernel makes that the same check as an attach.
 */
export function ptraceVerdict(rights: PtraceRights, target?: TargetAccess): CheckResult {
  const { root, hasCap, scope } = rights;
  const scopeText = scope === undefined ? 'no Yama ptrace_scope' : `ptrace_scope ${scope}`;
  if (scope === 3) {
    return { name: 'ptrace', status: 'fail', verdict: `${scopeText}: attaching is disabled for everyone`, advice: 'ptrace_scope 3 cannot be lowered without a reboot' };
  }
  if (root && !hasCap && scope === 2) {
    return { name: 'ptrace', status: 'fail', verdict: `${scopeText} requires CAP_SYS_PTRACE`, advice: 'run as root with CAP_SYS_PTRACE' };
  }
  if (target && !target.memoryReadable) {
    const about = `PID ${target.pid} (${target.comm}, uid ${target.uid})`;
    const [who, advice] = hasCap
      ? ['CAP_SYS_PTRACE', 'a security module (AppArmor, SELinux) refuses it: see the kernel log']
      : root
        ? ['root without CAP_SYS_PTRACE', 'give kamheap CAP_SYS_PTRACE (a container drops it: docker run --cap-add SYS_PTRACE)']
        : ['not root and no CAP_SYS_PTRACE', 'run kamheap as root (sudo) or with CAP_SYS_PTRACE'];
    return { name: 'ptrace', status: 'fail', verdict: `${who}, ${scopeText}: cannot attach to ${about} as uid ${target.viewerUid}`, advice };
  }
  if (root || hasCap) return { name: 'ptrace', status: 'ok', verdict: `${root ? 'root' : 'CAP_SYS_PTRACE'}, ${scopeText}: kamheap can attach` };
  if (target) return { name: 'ptrace', status: 'ok', verdict: `not root, ${scopeText}: uid ${target.viewerUid} can attach to PID ${target.pid} (${target.comm}, uid ${target.uid})` };
  if (scope === 0 || scope === undefined) {
    return { name: 'ptrace', status: 'warn', verdict: `not root, ${scopeText}: only processes of this user can be attached`, advice: 'run as the Kamailio user or as root' };
  }
  return { name: 'ptrace', status: 'fail', verdict: `not root and no CAP_SYS_PTRACE, ${scopeText}: cannot attach to Kamailio`, advice: 'run kamheap as root (sudo)' };
}

/** /proc/meminfo as the wiki reads it: page cache and reclaimable slab are, in effect, free. */
export function checkOsMemory(): CheckResult {
  const info = new Map<string, number>();
  for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m?.[1] && m[2]) info.set(m[1], Number(m[2]) * 1024);
  }
  const total = info.get('MemTotal') ?? 0;
  const free = info.get('MemFree') ?? 0;
  const reclaimable = (info.get('Cached') ?? 0) + (info.get('SReclaimable') ?? 0);
  const available = info.get('MemAvailable') ?? free + reclaimable;
  const mib = (n: number): string => `${Math.round(n / 1048576)} MiB`;
  const verdict = `${mib(available)} of ${mib(total)} available (${percent(available, total)}): ${mib(free)} free + ${mib(reclaimable)} page cache and reclaimable slab`;
  if (available < total * 0.1) return { name: 'OS memory', status: 'warn', verdict, advice: 'the box itself is short of memory: Kamailio only uses what -m/-M reserved at start' };
  return { name: 'OS memory', status: 'ok', verdict };
}
