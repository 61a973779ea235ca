// After a trial: is every Kamailio process of the instance running, untraced and answering, and
// did no signal reach it? "No signal" is read from Kamailio's own log: a worker that gets SIGINT
// logs `sig_usr(): signal 2 received`, and its death makes the main process log it too.
import { setTimeout as sleep } from 'node:timers/promises';
import { AFTER_EVERY_TRIAL } from './contract.js';
import type { FaultInstance } from './fault-instance.js';
import { runningUntraced } from './proc-facts.js';

export interface InstanceFindings {
  /** Processes not running, stopped or traced when the window closed ("PID 12 in state t"). */
  notRunning: string[];
  /** `kamcmd core.version` failing. */
  rpc: string | undefined;
  /** `kamcmd core.psx` listing other processes than before the trial. */
  psx: string | undefined;
  /** Kamailio log lines since the trial began that say a signal arrived or a child ended. */
  logAlarms: string[];
  /** Lines where Kamailio says it got a signal and ignored it (SIGCHLD, SIGHUP). */
  logNotices: string[];
}

/** True when nothing was found. */
export function instanceHealthy(f: InstanceFindings): boolean {
  return f.notRunning.length === 0 && f.rpc === undefined && f.psx === undefined && f.logAlarms.length === 0 && f.logNotices.length === 0;
}

/** A signal delivered at the detach is handled within milliseconds; this leaves it time to show. */
const SETTLE_MS = 500;

/**
 * Polls the processes until all run or `deadline` (performance.now()) passes, then, no earlier
 * than SETTLE_MS after `gone` (kamheap's end), asks Kamailio and reads its log.
 */
export async function checkInstance(instance: FaultInstance, gone: number, deadline: number, logOffset: number): Promise<InstanceFindings> {
  const pids = instance.processes.map((p) => p.pid);
  let notRunning: string[];
  for (;;) {
    notRunning = pids.map(runningUntraced).filter((r) => !r.ok).map((r) => r.detail);
    if (notRunning.length === 0 || performance.now() >= deadline) break;
    await sleep(10);
  }
  const settle = gone + SETTLE_MS - performance.now();
  if (settle > 0) await sleep(settle);
  // A process that ran at the first look may have died since (a SIGINT left pending at the detach).
  if (notRunning.length === 0) notRunning = pids.map(runningUntraced).filter((r) => !r.ok).map((r) => r.detail);
  let rpc: string | undefined;
  let psx: string | undefined;
  try {
    const version = await instance.kamailio.rpcWithTimeout(3000, 'core.version');
    if (!/kamailio/i.test(version)) rpc = `core.version answered "${version.trim()}"`;
    const now = (await instance.kamailio.processes()).map((p) => p.pid).sort((a, b) => a - b);
    const before = [...pids].sort((a, b) => a - b);
    if (now.join(',') !== before.join(',')) psx = `core.psx lists ${now.join(',')}, was ${before.join(',')}`;
  } catch (error) {
    rpc = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  }
  const lines = instance.logSince(logOffset);
  const logAlarms = lines.filter((line) => AFTER_EVERY_TRIAL.kamailioLogAlarm.test(line));
  const logNotices = lines.filter((line) => !AFTER_EVERY_TRIAL.kamailioLogAlarm.test(line) && AFTER_EVERY_TRIAL.kamailioLogNotice.test(line));
  return { notRunning, rpc, psx, logAlarms, logNotices };
}

/** Before a trial: the instance as the harness left it (no RPC, /proc only). */
export function quickHealth(instance: FaultInstance): string[] {
  return instance.processes.map((p) => runningUntraced(p.pid)).filter((r) => !r.ok).map((r) => r.detail);
}
