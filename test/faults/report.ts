// What a run prints: one line per trial as it ends, then a markdown table of counts per fault and
// one failing example per fault, for the README and for whoever fixes kamheap.
import type { Calibration } from './calibration.js';
import { FAULTS, type FaultName } from './contract.js';
import type { TrialResult } from './run-trial.js';
import { describeExit, exitSeen, seconds, type Failure } from './verdict.js';

/** `#17 SIGSTOP-gdb attach-window script shm [timer 4711; --timeout 2.10; SIGSTOP to gdb 4790 at 0.84 s] -> exit 8 in 2.41 s OK` */
export function trialLine(r: TrialResult): string {
  const { plan, observation: o } = r;
  const context = [`${plan.target} ${o.targetPid}`];
  if (plan.output === 'json-file') context.push('--json FILE');
  if (o.timeoutSec !== undefined) context.push(`--timeout ${o.timeoutSec.toFixed(2)}`);
  const before = r.restarts.find((why) => why.startsWith('before:'));
  if (before) context.push(`Kamailio restarted first (${before.slice(8)})`);
  if (o.injection.note) context.push(o.injection.note);
  if (o.timeoutSec !== undefined && o.injection.at !== undefined && o.injection.at - o.startedAt > o.timeoutSec * 1000) context.push('after the --timeout had expired');
  const exit = o.hung ? 'hung' : describeExit(exitSeen(o.exit)).replace(/ \(.*\)$/, '');
  const head = `#${plan.n} ${plan.fault} ${plan.variant} ${plan.walker} ${plan.heap} [${context.join('; ')}] -> ${exit} in ${seconds(o.exit.at - o.startedAt)}`;
  const notes = r.notes.map((n) => `      note: ${n}`);
  if (r.failures.length === 0) return [`${head} OK`, ...notes].join('\n');
  return [`${head} FAIL`, ...r.failures.map((f) => `      ${f.severity === 'unsafe' ? 'UNSAFE ' : ''}${f.check}: ${f.detail}`), ...notes].join('\n');
}

interface FaultCounts {
  trials: number;
  passed: number;
  failed: number;
  unsafe: number;
  notInjected: number;
  noted: number;
  exits: Map<string, number>;
  checks: Map<string, number>;
}

/** Counts per fault, in the contract's order. */
export function countByFault(results: readonly TrialResult[]): Map<FaultName, FaultCounts> {
  const table = new Map<FaultName, FaultCounts>();
  for (const fault of FAULTS) {
    const mine = results.filter((r) => r.plan.fault === fault);
    if (mine.length === 0) continue;
    const counts: FaultCounts = { trials: mine.length, passed: 0, failed: 0, unsafe: 0, notInjected: 0, noted: 0, exits: new Map(), checks: new Map() };
    for (const r of mine) {
      if (r.failures.length === 0) counts.passed++;
      else counts.failed++;
      if (r.failures.some((f) => f.severity === 'unsafe')) counts.unsafe++;
      if (!r.observation.injection.injected) counts.notInjected++;
      if (r.notes.length > 0) counts.noted++;
      const exit = r.observation.hung ? 'hung' : String(exitSeen(r.observation.exit));
      bump(counts.exits, exit);
      for (const check of new Set(r.failures.map((f) => f.check))) bump(counts.checks, check);
    }
    table.set(fault, counts);
  }
  return table;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

// "9 ×10, 0 ×3": most frequent first.
function tally(map: Map<string, number>): string {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || '-';
}

/** The markdown table of counts per fault. */
export function renderTable(results: readonly TrialResult[]): string {
  const rows = [
    '| fault | trials | passed | failed | unsafe | not injected | Kamailio noticed | exits seen | failed checks |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  let total = [0, 0, 0, 0, 0, 0];
  for (const [fault, c] of countByFault(results)) {
    rows.push(`| ${fault} | ${c.trials} | ${c.passed} | ${c.failed} | ${c.unsafe} | ${c.notInjected} | ${c.noted} | ${tally(c.exits)} | ${tally(c.checks)} |`);
    const row = [c.trials, c.passed, c.failed, c.unsafe, c.notInjected, c.noted];
    total = total.map((t, i) => t + (row[i] ?? 0));
  }
  rows.push(`| **all** | ${total.join(' | ')} | | |`);
  return rows.join('\n');
}

/** One failing trial of each fault (the first unsafe one, else the first), with its failures. */
export function renderExamples(results: readonly TrialResult[]): string {
  const lines: string[] = [];
  for (const fault of FAULTS) {
    const failing = results.filter((r) => r.plan.fault === fault && r.failures.length > 0);
    const failed = failing.find((r) => r.failures.some((f) => f.severity === 'unsafe')) ?? failing[0];
    if (failed) lines.push(trialLine(failed), '');
  }
  return lines.join('\n');
}

export interface RunSummary {
  seed: number | undefined;
  source: string;
  loadAverage: string;
  calibration: Calibration;
  totalMs: number;
  restarts: number;
  results: readonly TrialResult[];
}

/** The whole report in markdown: header, table, examples. */
export function renderReport(s: RunSummary): string {
  const failed = s.results.filter((r) => r.failures.length > 0).length;
  const header = [
    `${s.results.length} trials${s.seed === undefined ? ' (quick subset)' : `, seed ${s.seed}`}: ${s.results.length - failed} passed, ${failed} failed, in ${(s.totalMs / 1000).toFixed(0)} s`,
    `${s.source}; load average at start ${s.loadAverage}; Kamailio (re)started ${s.restarts} times`,
    `calibration: ${renderCalibration(s.calibration)}`,
  ];
  const examples = renderExamples(s.results);
  return [header.join('\n'), '', renderTable(s.results), '', ...(examples ? ['One failing trial per fault:', '', '```', examples.trimEnd(), '```', ''] : [])].join('\n');
}

export function renderCalibration(c: Calibration): string {
  return Object.entries(c)
    .map(([key, t]) => `${key} run ${seconds(t.runMs)}, attach at ${seconds(t.attachMs)}, pause ${t.pauseMs.toFixed(0)} ms`)
    .join('; ');
}

/** The failures of the failing trials, for an assertion message. */
export function failureDetails(results: readonly TrialResult[]): string {
  return results
    .filter((r) => r.failures.length > 0)
    .map((r) => `${trialLine(r)}${r.keptDir ? `\n      files: ${r.keptDir}` : ''}`)
    .join('\n');
}
