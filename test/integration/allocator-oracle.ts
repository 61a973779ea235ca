// Kamailio's own account of an f_malloc or TLSF heap, for the integration tests: the pkg dump of one
// process read straight from the instance's log (the testbed's dumpPkg reads q_malloc status dumps
// only), and the totals kamcmd reports.
import { setTimeout as sleep } from 'node:timers/promises';
import { sendWake, type KamailioInstance } from '../../testbed/index.js';
import { LogFollower } from '../../testbed/log-follower.js';
import { parseKamailioDump, type KamailioDump } from '../heap/kamailio-dump.js';

const SUMS_END = /_sums\(\): -{29}$/;

/**
 * Makes `pid` dump its pkg heap (`mem_dump_pkg`) and returns its status totals and *_sums lines.
 * A UDP receiver dumps at its next datagram: wake-up requests are sent until the dump shows up.
 */
export async function dumpPkgSums(instance: KamailioInstance, pid: number, timeoutMs = 60_000): Promise<KamailioDump> {
  const follower = await LogFollower.fromEnd(instance.logFile);
  await instance.rpcWithTimeout(timeoutMs, 'cfg.set_now_int', 'core', 'mem_dump_pkg', String(pid));
  const own = new RegExp(`^\\s*-?\\d+\\(${pid}\\) `);
  let lines: string[] | undefined;
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      for (const line of await follower.readLines()) {
        if (!own.test(line)) continue;
        if (line.includes('Memory status (pkg) of process')) lines = [];
        lines?.push(line);
        if (lines && SUMS_END.test(line)) return parseKamailioDump(lines.join('\n'));
      }
      await sendWake(instance.port);
      await sleep(250);
    }
  } catch (error) {
    await instance.rpc('cfg.set_now_int', 'core', 'mem_dump_pkg', '0').catch(() => undefined);
    throw error;
  }
  await instance.rpc('cfg.set_now_int', 'core', 'mem_dump_pkg', '0').catch(() => undefined);
  throw new Error(`no pkg dump of pid ${pid} within ${timeoutMs} ms`);
}

/** The fields of a `kamcmd core.shmmem` / `pkg.stats` answer as numbers. */
export function kamcmdNumbers(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^\s*([a-z_]+):\s*(\d+)\s*$/gm)) if (m[1] && m[2]) out[m[1]] = Number(m[2]);
  return out;
}
