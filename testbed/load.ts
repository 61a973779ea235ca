// SIP load against a testbed Kamailio with sipp: loopback only, a bounded number of calls, a
// bounded run time, killed if it overruns.
import { execa, ExecaError } from 'execa';
import { testbedAsset } from './assets.js';
import { SippError } from './errors.js';
import type { KamailioInstance } from './kamailio-instance.js';

export const SIPP = process.env.KAMHEAP_SIPP ?? 'sipp';

/** Scenario files under testbed/sipp/. */
export type SippScenario = 'register' | 'options' | 'message';

export interface SippRun {
  scenario: SippScenario;
  /** Calls (requests) to send: sipp -m. */
  calls: number;
  /** Calls per second: sipp -r (default 200). */
  rate?: number;
  /** X-Fill header value: extra htable cells Kamailio adds per request (default 0). */
  fill?: number;
  /** sipp's own global timeout; the process is killed 10 s after it. */
  timeoutSec?: number;
}

let runCounter = 0;

/** sipp's argument list for one run; `run` makes AoRs and Call-IDs unique across runs. */
export function sippArgs(port: number, run: SippRun, runTag: string): string[] {
  return [
    `127.0.0.1:${port}`,
    '-sf', testbedAsset(`sipp/${run.scenario}.xml`),
    // no -p: sipp binds a random free local port
    '-i', '127.0.0.1',
    '-m', String(run.calls),
    '-r', String(run.rate ?? 200),
    '-key', 'run', runTag,
    '-key', 'xfill', String(run.fill ?? 0),
    '-nostdin',
    '-timeout', `${run.timeoutSec ?? defaultTimeoutSec(run)}s`,
    '-timeout_error',
  ];
}

// Enough time for every call at the requested rate, plus slack for a loaded machine.
function defaultTimeoutSec(run: SippRun): number {
  return Math.ceil(run.calls / (run.rate ?? 200)) + 30;
}

/** What sipp needs of an instance: its UDP port on 127.0.0.1, and a dir for sipp's own files. */
export type SippTarget = Pick<KamailioInstance, 'port' | 'dir'>;

/** Runs sipp to completion; throws SippError unless every call succeeded. */
export async function runSipp(instance: SippTarget, run: SippRun): Promise<void> {
  if (run.calls <= 0) return;
  runCounter += 1;
  const runTag = `${process.pid}x${runCounter}`;
  const args = sippArgs(instance.port, run, runTag);
  const timeoutSec = run.timeoutSec ?? defaultTimeoutSec(run);
  try {
    // cwd: sipp drops its own files (error logs) into the instance's temp dir.
    await execa(SIPP, args, {
      cwd: instance.dir,
      stdin: 'ignore',
      timeout: (timeoutSec + 10) * 1000,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if (error instanceof ExecaError) {
      const output = `${String(error.stdout ?? '')}\n${String(error.stderr ?? '')}`;
      const tail = output.trim().split('\n').slice(-25).join('\n');
      const exit = error.timedOut ? undefined : error.exitCode;
      throw new SippError(run.scenario, exit, error.timedOut ? `killed after ${timeoutSec + 10} s\n${tail}` : tail, {
        cause: error,
      });
    }
    throw error;
  }
}

export interface FillRun {
  /** htable cells to add (each one shm fragment, kept until the instance stops). */
  cells: number;
  /** Cells per OPTIONS request (default 1000: the Call-ID cell plus X-Fill: 999). */
  perRequest?: number;
  rate?: number;
}

/** Adds exactly `cells` htable cells quickly, with few large OPTIONS requests. */
export async function fillShm(instance: SippTarget, fill: FillRun): Promise<void> {
  const perRequest = Math.max(1, fill.perRequest ?? 1000);
  const full = Math.floor(fill.cells / perRequest);
  const rest = fill.cells % perRequest;
  await runSipp(instance, { scenario: 'options', calls: full, fill: perRequest - 1, rate: fill.rate ?? 100 });
  await runSipp(instance, { scenario: 'options', calls: rest === 0 ? 0 : 1, fill: rest - 1 });
}
