// The load check: kamheap walks back to back (bulk shm, bulk pkg of a receiver, script pkg of a
// receiver, in turn) while sipp sends OPTIONS at 500 calls/s for 60 s. Passes when no call
// failed, every walk exited 0, and the instance is healthy afterwards; reports the pauses.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSippLoad, type SippLoad, type SippStats } from '../../testbed/sipp-load.js';
import { heapArgs, type Heap, type Walker } from './contract.js';
import { FaultInstance } from './fault-instance.js';
import { checkInstance, instanceHealthy, type InstanceFindings } from './instance-checks.js';
import { startKamheap } from './kamheap-run.js';
import { TrialProcesses } from './trial-processes.js';
import { seconds } from './verdict.js';

export interface LoadCheckOptions {
  rate: number;
  durationSec: number;
  workDir: string;
  runId: string;
  log: (line: string) => void;
}

interface Walk {
  walker: Walker;
  heap: Heap;
  pid: number;
  code: number | string;
  pauseMs: number | undefined;
  wallMs: number;
  stderr: string;
  leftovers: number;
}

const ROUND: ReadonlyArray<{ walker: Walker; heap: Heap }> = [
  { walker: 'bulk', heap: 'shm' },
  { walker: 'bulk', heap: 'pkg' },
  { walker: 'script', heap: 'pkg' },
];

let liveSipp: SippLoad | undefined;

/** For signal handlers: the background sipp, if one runs. */
export function killLoadNow(): void {
  liveSipp?.kill();
}

/** Runs the check; returns whether it passed and the report (markdown). */
export async function runLoadCheck(opts: LoadCheckOptions): Promise<{ ok: boolean; report: string }> {
  const instance = new FaultInstance(opts.log);
  await instance.start();
  try {
    const receivers = [instance.pidOf('receiver-0'), instance.pidOf('receiver-1')];
    const logOffset = instance.logOffset();
    opts.log(`sipp: ${opts.rate} calls/s for ${opts.durationSec} s against port ${instance.kamailio.port}; walking back to back`);
    const sipp = startSippLoad(instance.kamailio, { scenario: 'options', rate: opts.rate, durationSec: opts.durationSec });
    liveSipp = sipp;
    let sippDone = false;
    void sipp.done.finally(() => (sippDone = true)).catch(() => undefined);
    const walks: Walk[] = [];
    for (let i = 0; !sippDone; i++) {
      const kind = ROUND[i % ROUND.length] ?? { walker: 'bulk', heap: 'shm' };
      const walk = await walkOnce(kind.walker, kind.heap, receivers[Math.floor(i / ROUND.length) % receivers.length] ?? 0, opts, i);
      walks.push(walk);
      if (walk.code !== 0 || walk.leftovers > 0) opts.log(`walk ${i + 1} (${kind.walker} ${kind.heap} of ${walk.pid}) exited ${walk.code}: ${walk.stderr.trim()}`);
    }
    const stats = await sipp.done;
    liveSipp = undefined;
    const findings = await checkInstance(instance, performance.now(), performance.now() + 1000, logOffset);
    const ok = stats.failed === 0 && stats.successful === stats.created && walks.every((w) => w.code === 0 && w.leftovers === 0) && instanceHealthy(findings);
    return { ok, report: renderLoadReport(opts, stats, walks, findings, ok) };
  } finally {
    liveSipp?.kill();
    await instance.stop();
  }
}

// One walk with `--json -`, its pause read from the snapshot; kamheap's processes must be gone after.
async function walkOnce(walker: Walker, heap: Heap, pid: number, opts: LoadCheckOptions, i: number): Promise<Walk> {
  const dir = mkdtempSync(join(opts.workDir, `load-${i}-`));
  const processes = new TrialProcesses(`${opts.runId}:load-${i}`);
  try {
    const [name, value] = processes.envEntry;
    const run = startKamheap({ args: ['walk', String(pid), ...heapArgs(heap), '--walker', walker, '--json', '-'], env: { TMPDIR: dir, [name]: value }, cwd: dir });
    processes.setRoot(run.pid);
    const scanner = setInterval(() => processes.scan(), 50);
    const { exit, stdout, stderr } = await run.output.finally(() => clearInterval(scanner));
    let pauseMs: number | undefined;
    try {
      pauseMs = (JSON.parse(stdout) as { walk: { pauseMs: number | null } }).walk.pauseMs ?? undefined;
    } catch {
      pauseMs = undefined;
    }
    const deadline = performance.now() + 2000;
    while (processes.leftovers().length > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const leftovers = processes.killLeftovers().length;
    return { walker, heap, pid, code: exit.signal ?? exit.code ?? -1, pauseMs, wallMs: exit.at - run.startedAt, stderr, leftovers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function renderLoadReport(opts: LoadCheckOptions, stats: SippStats, walks: readonly Walk[], findings: InstanceFindings, ok: boolean): string {
  const rows = ['| walk | walks | failed | pause min | pause median | pause max | wall median |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const kinds = [...ROUND.map((k) => `${k.walker} ${k.heap}`), 'all'];
  for (const kind of kinds) {
    const mine = walks.filter((w) => kind === 'all' || `${w.walker} ${w.heap}` === kind);
    const pauses = mine.map((w) => w.pauseMs).filter((p): p is number => p !== undefined).sort((a, b) => a - b);
    const wall = mine.map((w) => w.wallMs).sort((a, b) => a - b);
    const failed = mine.filter((w) => w.code !== 0 || w.leftovers > 0).length;
    rows.push(`| ${kind} | ${mine.length} | ${failed} | ${ms(pauses[0])} | ${ms(middle(pauses))} | ${ms(pauses.at(-1))} | ${wall.length ? seconds(middle(wall) ?? 0) : '-'} |`);
  }
  const health = instanceHealthy(findings)
    ? 'instance healthy afterwards (all processes running and untraced, core.version answers, no signal in its log)'
    : `instance NOT healthy: ${[...findings.notRunning, findings.rpc, findings.psx, ...findings.logAlarms].filter(Boolean).join('; ')}`;
  return [
    `load check: sipp OPTIONS at ${opts.rate} calls/s for ${opts.durationSec} s, kamheap walking back to back: ${ok ? 'PASSED' : 'FAILED'}`,
    `sipp: ${stats.created} calls, ${stats.successful} successful, ${stats.failed} failed, ${stats.retransmissions} retransmissions (exit ${stats.exitCode ?? 'killed'})`,
    health,
    '',
    ...rows,
    '',
  ].join('\n');
}

function middle(sorted: readonly number[]): number | undefined {
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(1)} ms`;
}
