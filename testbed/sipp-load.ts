// Sustained SIP load in the background (sipp at a fixed rate for a fixed time) with sipp's own
// counters at the end, for checks such as "no call failed while kamheap walked". runSipp
// (load.ts) runs to completion and only says pass or fail; this one reports the numbers.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KamailioInstance } from './kamailio-instance.js';
import { SIPP, sippArgs, type SippScenario } from './load.js';

export interface SippLoadRun {
  scenario: SippScenario;
  /** Calls per second. */
  rate: number;
  durationSec: number;
}

/** sipp's cumulative counters at the end of the run (its `-trace_stat` file, last line). */
export interface SippStats {
  created: number;
  successful: number;
  failed: number;
  retransmissions: number;
  /** sipp's exit code (0: every call succeeded), or null when it was killed. */
  exitCode: number | null;
}

export interface SippLoad {
  readonly pid: number;
  /** Resolves when sipp has exited. */
  readonly done: Promise<SippStats>;
  /** SIGKILLs sipp (idempotent). */
  kill(): void;
}

let loadCounter = 0;

/** Starts sipp against the instance; its stat file and error logs go to the instance's dir. */
export function startSippLoad(instance: KamailioInstance, run: SippLoadRun): SippLoad {
  loadCounter += 1;
  const statFile = join(instance.dir, `sipp-load-${loadCounter}.csv`);
  const calls = Math.round(run.rate * run.durationSec);
  const args = [
    ...sippArgs(instance.port, { scenario: run.scenario, calls, rate: run.rate, timeoutSec: run.durationSec + 60 }, `${process.pid}l${loadCounter}`),
    '-trace_stat', '-stf', statFile, '-fd', '1',
  ];
  const child: ChildProcess = spawn(SIPP, args, { cwd: instance.dir, stdio: ['ignore', 'ignore', 'ignore'] });
  const done = new Promise<SippStats>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ ...readStats(statFile), exitCode: code });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
  return {
    pid: child.pid ?? -1,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The cumulative counters of the last line of a sipp stat file (`;`-separated, header first). */
export function readStats(file: string): Omit<SippStats, 'exitCode'> {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = (lines[0] ?? '').split(';');
  const last = (lines.at(-1) ?? '').split(';');
  const value = (name: string): number => {
    const at = header.indexOf(name);
    if (at < 0 || lines.length < 2) throw new Error(`sipp stat file ${file} has no ${name}`);
    return Number(last[at]);
  };
  return {
    created: value('OutgoingCall(C)'),
    successful: value('SuccessfulCall(C)'),
    failed: value('FailedCall(C)'),
    retransmissions: value('Retransmissions(C)'),
  };
}
