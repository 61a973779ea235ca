// Judges one trial's observations against the contract: a pure function, unit-tested, so a
// failure is kamheap's and not the harness's.
import { AFTER_EVERY_TRIAL, CONTRACT, EXIT_NAMES, type ExitSeen } from './contract.js';
import type { Injection } from './inject.js';
import type { InstanceFindings } from './instance-checks.js';
import type { ExitInfo } from './kamheap-run.js';
import type { TrialPlan } from './trial-plan.js';
import type { TrialProcess } from './trial-processes.js';

export interface TrialObservation {
  plan: TrialPlan;
  targetPid: number;
  /** The `--timeout` passed, in seconds. */
  timeoutSec: number | undefined;
  startedAt: number;
  injection: Injection;
  exit: ExitInfo;
  /** The harness killed kamheap: it had not exited HUNG_AFTER_MS past its deadline. */
  hung: boolean;
  stdout: string;
  stderr: string;
  /** With `--json FILE`: the file after the run (undefined text when absent). */
  outputFile: string | undefined;
  /** Skipped (undefined) when the fault ends the instance. */
  instance: InstanceFindings | undefined;
  /** Processes of kamheap's still alive when the window closed. */
  leftovers: TrialProcess[];
  /** kamheap-* files in the trial's TMPDIR and output dir. */
  tempFiles: string[];
}

/** 'unsafe': Kamailio was or could be hurt (stopped, traced, signalled, a gdb left); 'contract': the rest. */
export type Severity = 'unsafe' | 'contract';

export type CheckName =
  | 'hung'
  | 'exit-code'
  | 'exit-time'
  | 'output'
  | 'partial-output'
  | 'stderr'
  | 'stack-trace'
  | 'kamailio-stopped'
  | 'kamailio-rpc'
  | 'kamailio-psx'
  | 'kamailio-signal'
  | 'kamailio-noticed'
  | 'gdb-left'
  | 'guard-left'
  | 'process-left'
  | 'temp-left';

export interface Failure {
  check: CheckName;
  severity: Severity;
  detail: string;
}

/** How kamheap ended, as the contract writes it. */
export function exitSeen(exit: ExitInfo): ExitSeen {
  return exit.signal ?? exit.code ?? -1;
}

export function describeExit(seen: ExitSeen): string {
  return typeof seen === 'number' ? `exit ${seen}${EXIT_NAMES[seen] ? ` (${EXIT_NAMES[seen]})` : ''}` : `killed by ${seen}`;
}

/** The latest acceptable exit (performance.now() scale), or undefined when the contract has none. */
export function exitDeadline(o: Pick<TrialObservation, 'plan' | 'injection' | 'startedAt' | 'timeoutSec'>): number | undefined {
  const deadline = CONTRACT[o.plan.fault].deadline;
  if (!deadline || !o.injection.injected) return undefined;
  if (deadline.from === 'timeout') return o.startedAt + (o.timeoutSec ?? 0) * 1000 + deadline.ms;
  return o.injection.at === undefined ? undefined : o.injection.at + deadline.ms;
}

/** Every way the trial missed the contract (empty: passed). */
export function judge(o: TrialObservation): Failure[] {
  return [...exitFailures(o), ...outputFailures(o), ...stderrFailures(o), ...instanceFailures(o), ...leftoverFailures(o)];
}

function exitFailures(o: TrialObservation): Failure[] {
  const failures: Failure[] = [];
  const seen = exitSeen(o.exit);
  if (o.hung) failures.push({ check: 'hung', severity: 'contract', detail: `did not exit by itself: killed by the harness after ${seconds(o.exit.at - o.startedAt)}` });
  const contract = CONTRACT[o.plan.fault];
  const expected = o.injection.injected ? contract.exits : [0];
  if (!o.hung && !expected.includes(seen) && !killedInStartup(o, seen)) {
    failures.push({ check: 'exit-code', severity: 'contract', detail: `${describeExit(seen)}, expected ${expected.map(describeExit).join(' or ')}` });
  }
  const deadline = exitDeadline(o);
  const rule = CONTRACT[o.plan.fault].deadline;
  if (!o.hung && deadline !== undefined && rule !== undefined && o.exit.at > deadline) {
    const detail =
      rule.from === 'timeout'
        ? `exited at ${seconds(o.exit.at - o.startedAt)}, bound --timeout ${(o.timeoutSec ?? 0).toFixed(2)} s + ${seconds(rule.ms)}`
        : `exited ${seconds(o.exit.at - (o.injection.at ?? o.startedAt))} after the injection, bound ${seconds(rule.ms)}`;
    failures.push({ check: 'exit-time', severity: 'contract', detail });
  }
  return failures;
}

/** Killed by the injected signal itself while Node was still starting (see startupWindowMs). */
function killedInStartup(o: TrialObservation, seen: ExitSeen): boolean {
  const window = CONTRACT[o.plan.fault].startupWindowMs;
  const at = o.injection.at;
  return window !== undefined && at !== undefined && at - o.startedAt <= window && seen === o.plan.fault;
}

/** What Kamailio noticed where the contract allows it (kamailioMayNotice): reported, not failed. */
export function trialNotes(o: TrialObservation): string[] {
  const f = o.instance;
  if (!f || f.logNotices.length === 0 || !CONTRACT[o.plan.fault].kamailioMayNotice) return [];
  return [`Kamailio noticed: ${logLines(f.logNotices)}`];
}

function outputFailures(o: TrialObservation): Failure[] {
  if (o.plan.fault === 'pipe-closed') return [];
  const code = o.exit.code;
  if (code === 0 && AFTER_EVERY_TRIAL.exitZeroNeedsOutput) {
    const problem = o.plan.output === 'json-stdout' ? snapshotProblem(o.stdout, o) : (snapshotProblem(o.outputFile, o) ?? summaryProblem(o.stdout, o));
    if (problem) return [{ check: 'output', severity: 'contract', detail: `exit 0 without complete output: ${problem}` }];
  } else if (o.plan.output === 'json-file' && o.outputFile !== undefined && snapshotProblem(o.outputFile, o) !== undefined) {
    return [{ check: 'partial-output', severity: 'contract', detail: `a half-written snapshot file was left (${o.outputFile.length} bytes)` }];
  }
  return [];
}

/** Why `text` is not this trial's whole snapshot, or undefined when it is. */
export function snapshotProblem(text: string | undefined, o: Pick<TrialObservation, 'plan' | 'targetPid'>): string | undefined {
  if (text === undefined) return 'no snapshot file';
  let snapshot: { schema?: unknown; target?: { pid?: unknown }; heap?: { kind?: unknown }; walk?: { walker?: unknown } };
  try {
    snapshot = JSON.parse(text) as typeof snapshot;
  } catch {
    return `snapshot does not parse (${text.length} bytes)`;
  }
  if (snapshot.schema !== 'kamheap.snapshot/1') return 'not a kamheap snapshot';
  if (snapshot.target?.pid !== o.targetPid || snapshot.heap?.kind !== o.plan.heap || snapshot.walk?.walker !== o.plan.walker) {
    return 'snapshot of another walk';
  }
  return undefined;
}

/** Why `stdout` is not the whole text summary of this walk (header, then all the top-N site lines). */
export function summaryProblem(stdout: string, o: Pick<TrialObservation, 'plan' | 'targetPid'>): string | undefined {
  if (!stdout.startsWith(`${o.plan.heap} heap of PID ${o.targetPid}:`)) return 'no summary on stdout';
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^top \d+ of \d+ (allocation sites|size classes) by bytes/.test(l));
  const shown = Number(/^top (\d+)/.exec(lines[header] ?? '')?.[1] ?? NaN);
  // After the header: the column titles, then one line per site.
  const sites = lines.slice(header + 2, header + 2 + shown).filter((l) => l.trim() !== '');
  if (header < 0 || sites.length !== shown || !stdout.endsWith('\n')) return 'summary cut short';
  return undefined;
}

function stderrFailures(o: TrialObservation): Failure[] {
  const failures: Failure[] = [];
  const text = o.stderr.trimEnd();
  const lines = text === '' ? [] : text.split('\n');
  if (CONTRACT[o.plan.fault].stderrEmpty && lines.length > 0) {
    failures.push({ check: 'stderr', severity: 'contract', detail: `stderr not empty: ${quote(lines[0] ?? '')}${lines.length > 1 ? ` (+${lines.length - 1} lines)` : ''}` });
  } else if (lines.length > AFTER_EVERY_TRIAL.stderrMaxLines) {
    failures.push({ check: 'stderr', severity: 'contract', detail: `${lines.length} lines on stderr: ${quote(lines[0] ?? '')} ...` });
  }
  if (AFTER_EVERY_TRIAL.stackTrace.test(o.stderr)) failures.push({ check: 'stack-trace', severity: 'contract', detail: 'a stack trace on stderr' });
  return failures;
}

function instanceFailures(o: TrialObservation): Failure[] {
  const f = o.instance;
  if (!f) return [];
  const failures: Failure[] = [];
  if (f.notRunning.length > 0) failures.push({ check: 'kamailio-stopped', severity: 'unsafe', detail: `1 s after the exit: ${summarizeNotRunning(f.notRunning)}` });
  if (f.rpc) failures.push({ check: 'kamailio-rpc', severity: 'unsafe', detail: f.rpc });
  if (f.psx) failures.push({ check: 'kamailio-psx', severity: 'unsafe', detail: f.psx });
  if (f.logAlarms.length > 0) {
    const shown = tellingFirst(f.logAlarms);
    failures.push({ check: 'kamailio-signal', severity: 'unsafe', detail: `Kamailio logged: ${logLines(shown)}` });
  }
  if (f.logNotices.length > 0 && !CONTRACT[o.plan.fault].kamailioMayNotice) {
    failures.push({ check: 'kamailio-noticed', severity: 'contract', detail: `Kamailio logged: ${logLines(f.logNotices)}` });
  }
  return failures;
}

// "PID 1 is gone; PID 2 is gone; PID 3 in state t" -> "PIDs 1, 2 are gone; PID 3 in state t".
function summarizeNotRunning(details: readonly string[]): string {
  const gone = details.filter((d) => d.endsWith(' is gone')).map((d) => d.replace(/^PID (\d+) is gone$/, '$1'));
  const rest = details.filter((d) => !d.endsWith(' is gone'));
  const goneText = gone.length > 1 ? `PIDs ${gone.join(', ')} are gone` : gone.length === 1 ? `PID ${gone[0] ?? ''} is gone` : '';
  return [...rest, ...(goneText ? [goneText] : [])].join('; ');
}

// The line that says what happened before the ones that follow from it: a signal other than the
// SIGTERM the main process sends every child when it shuts the instance down, then a child's end.
function tellingFirst(lines: readonly string[]): string[] {
  const rank = (line: string): number => (/signal 15 received/.test(line) ? 2 : /child process/.test(line) ? 1 : 0);
  return [...lines].sort((a, b) => rank(a) - rank(b));
}

function leftoverFailures(o: TrialObservation): Failure[] {
  const failures: Failure[] = [];
  const byKind = (kind: TrialProcess['kind']) => o.leftovers.filter((p) => p.kind === kind);
  const list = (ps: TrialProcess[]) => ps.map((p) => `${p.pid} (${p.cmdline.slice(0, 60)})`).join(', ');
  const gdb = byKind('gdb');
  const guard = byKind('guard');
  const other = byKind('other');
  const within = `${AFTER_EVERY_TRIAL.leftoversGoneWithinMs / 1000} s after the exit`;
  if (gdb.length > 0) failures.push({ check: 'gdb-left', severity: 'unsafe', detail: `gdb still alive ${within}: ${list(gdb)}` });
  if (guard.length > 0) failures.push({ check: 'guard-left', severity: 'contract', detail: `guard still alive ${within}: ${list(guard)}` });
  if (other.length > 0) failures.push({ check: 'process-left', severity: 'contract', detail: `kamheap's processes still alive ${within}: ${list(other)}` });
  if (o.tempFiles.length > 0) failures.push({ check: 'temp-left', severity: 'contract', detail: `left: ${o.tempFiles.join(', ')}` });
  return failures;
}

// Two log lines quoted, and how many more.
function logLines(lines: readonly string[]): string {
  return `${lines.slice(0, 2).map((l) => quote(logMessage(l))).join('; ')}${lines.length > 2 ? ` (+${lines.length - 2})` : ''}`;
}

// The message part of a Kamailio log line (" 5(1234) ALERT: <core> [...]: msg").
function logMessage(line: string): string {
  return line.replace(/^\s*\d+\(\d+\)\s+/, '').slice(0, 120);
}

function quote(text: string): string {
  return `"${text.length > 140 ? `${text.slice(0, 140)}...` : text}"`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
