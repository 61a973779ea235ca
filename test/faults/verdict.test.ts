// The judge of one trial: what the contract accepts passes, each miss is named once, and the
// misses that could hurt Kamailio are marked unsafe.
import { describe, expect, it } from 'vitest';
import { AFTER_EVERY_TRIAL } from './contract.js';
import type { TrialPlan } from './trial-plan.js';
import { judge, snapshotProblem, summaryProblem, trialNotes, type TrialObservation } from './verdict.js';

const SNAPSHOT = JSON.stringify({ schema: 'kamheap.snapshot/1', target: { pid: 42 }, heap: { kind: 'pkg' }, walk: { walker: 'bulk' } });
const SUMMARY = [
  'pkg heap of PID 42: q_malloc, layout q_malloc/dbg/x86_64 (profile)',
  '  size 8388608 (8.0 MiB)  used 1 (1 B)',
  '  walked 816 fragments (0..end) with the bulk walker, complete; target paused 61.2 ms, total 244 ms',
  '  in range: used 815 fragments',
  '',
  'top 2 of 48 allocation sites by bytes:',
  '   count        bytes  module       file: function(line)',
  '       1      2097152  tm           tm: h_table.c: init_hash_table(482)',
  '     200      1667200  tm           tm: h_table.c: build_cell(334)',
  '',
].join('\n');

function observation(over: Omit<Partial<TrialObservation>, 'plan'> & { plan?: Partial<TrialPlan> } = {}): TrialObservation {
  const plan: TrialPlan = { n: 1, fault: 'SIGINT', variant: 'random', walker: 'bulk', heap: 'pkg', target: 'timer', output: 'json-stdout', at: 0.5, spare: 0.5, ...over.plan };
  return {
    targetPid: 42,
    timeoutSec: undefined,
    startedAt: 1000,
    injection: { injected: true, at: 1500, note: 'SIGINT to kamheap at 0.50 s' },
    exit: { code: 9, signal: null, at: 1800 },
    hung: false,
    stdout: '',
    stderr: 'kamheap: interrupted by SIGINT; target detached and running\n',
    outputFile: undefined,
    instance: { notRunning: [], rpc: undefined, psx: undefined, logAlarms: [], logNotices: [] },
    leftovers: [],
    tempFiles: [],
    ...over,
    plan,
  };
}

const checks = (o: TrialObservation): string[] => judge(o).map((f) => f.check);

describe('judge', () => {
  it('passes an interrupted run that left everything clean', () => {
    expect(judge(observation())).toEqual([]);
  });

  it('accepts exit 0 only with the whole snapshot', () => {
    expect(checks(observation({ exit: { code: 0, signal: null, at: 1800 }, stdout: SNAPSHOT, stderr: '' }))).toEqual([]);
    expect(checks(observation({ exit: { code: 0, signal: null, at: 1800 }, stdout: SNAPSHOT.slice(0, 30), stderr: '' }))).toEqual(['output']);
  });

  it('accepts a death by the signal itself only within Node\'s start-up window', () => {
    const killed = { exit: { code: null, signal: 'SIGINT' as const, at: 1300 }, stderr: '' };
    expect(checks(observation({ ...killed, injection: { injected: true, at: 1200, note: 'SIGINT to kamheap at 0.20 s' } }))).toEqual([]);
    expect(checks(observation({ ...killed, injection: { injected: true, at: 1400, note: 'SIGINT to kamheap at 0.40 s' } }))).toEqual(['exit-code']);
    expect(checks(observation({ ...killed, exit: { code: null, signal: 'SIGTERM', at: 1300 }, injection: { injected: true, at: 1200, note: 'SIGINT to kamheap at 0.20 s' } }))).toEqual(['exit-code']);
  });

  it('names a wrong exit and a late one', () => {
    expect(checks(observation({ exit: { code: null, signal: 'SIGINT', at: 1600 }, stderr: '' }))).toEqual(['exit-code']);
    expect(judge(observation({ exit: { code: 9, signal: null, at: 2600 } }))).toEqual([
      { check: 'exit-time', severity: 'contract', detail: 'exited 1.10 s after the injection, bound 1.00 s' },
    ]);
  });

  it('expects a plain run when the fault could not be injected', () => {
    const notInjected = { injection: { injected: false, note: 'not injected: kamheap had already exited' } };
    expect(checks(observation({ ...notInjected, exit: { code: 0, signal: null, at: 9000 }, stdout: SNAPSHOT, stderr: '' }))).toEqual([]);
    expect(checks(observation({ ...notInjected, exit: { code: 9, signal: null, at: 1800 } }))).toEqual(['exit-code']);
  });

  it('bounds a --timeout run by its value plus 1 s from the start', () => {
    const timeout = { plan: { fault: 'timeout', variant: 'spread' } as const, timeoutSec: 0.5, injection: { injected: true, note: '' } };
    const stderr = 'kamheap: timed out after 0.5 s; target detached and running\n';
    expect(checks(observation({ ...timeout, exit: { code: 8, signal: null, at: 2400 }, stderr }))).toEqual([]);
    expect(checks(observation({ ...timeout, exit: { code: 8, signal: null, at: 2600 }, stderr }))).toEqual(['exit-time']);
  });

  it('counts a hung run once, not also as a wrong exit', () => {
    expect(checks(observation({ hung: true, exit: { code: null, signal: 'SIGKILL', at: 20_000 } }))).toEqual(['hung']);
  });

  it('wants stderr empty after a closed pipe, and one line otherwise, never a stack trace', () => {
    const pipe = { plan: { fault: 'pipe-closed', variant: 'after-bytes' } as const, injection: { injected: true, note: '' }, exit: { code: 0, signal: null, at: 1800 } };
    expect(checks(observation({ ...pipe, stderr: '' }))).toEqual([]);
    expect(checks(observation({ ...pipe, stderr: 'kamheap: internal error: write EPIPE\n' }))).toEqual(['stderr']);
    const trace = 'node:events:502\n      throw er;\nError: write EPIPE\n    at afterWriteDispatched (node:internal/stream_base_commons:161:15)\n';
    expect(checks(observation({ stderr: `kamheap: x\n${trace}` }))).toEqual(['stderr', 'stack-trace']);
  });

  it('marks a stopped, traced or signalled Kamailio and a leftover gdb unsafe', () => {
    const failures = judge(
      observation({
        instance: { notRunning: ['PID 7 in state t, traced by 99'], rpc: 'kamcmd core.version: timed out', psx: undefined, logAlarms: [' 3(7) ALERT: <core> [main.c:790]: sig_usr(): signal 2 received'], logNotices: [] },
        leftovers: [{ pid: 99, startTime: 1, cmdline: 'gdb -nx -q --interpreter=mi3', kind: 'gdb' }, { pid: 98, startTime: 1, cmdline: 'sh -c kamheap-guard', kind: 'guard' }],
        tempFiles: ['/tmp/t/kamheap-abc'],
      }),
    );
    expect(failures.map((f) => [f.check, f.severity])).toEqual([
      ['kamailio-stopped', 'unsafe'],
      ['kamailio-rpc', 'unsafe'],
      ['kamailio-signal', 'unsafe'],
      ['gdb-left', 'unsafe'],
      ['guard-left', 'contract'],
      ['temp-left', 'contract'],
    ]);
    expect(failures[2]?.detail).toContain('sig_usr(): signal 2 received');
  });

  it('skips the instance checks when the fault ended the instance', () => {
    const killed = { plan: { fault: 'target-killed' } as const, instance: undefined, exit: { code: 15, signal: null, at: 1800 }, stderr: 'kamheap: PID 42 exited during the walk\n' };
    expect(checks(observation(killed))).toEqual([]);
  });

  it('flags a half-written snapshot file after a failed run', () => {
    const file = { plan: { output: 'json-file' } as const };
    expect(checks(observation({ ...file, outputFile: SNAPSHOT.slice(0, 10) }))).toEqual(['partial-output']);
    expect(checks(observation({ ...file, outputFile: undefined }))).toEqual([]);
    expect(checks(observation({ ...file, exit: { code: 0, signal: null, at: 1800 }, stderr: '', outputFile: SNAPSHOT, stdout: SUMMARY }))).toEqual([]);
    expect(checks(observation({ ...file, exit: { code: 0, signal: null, at: 1800 }, stderr: '', outputFile: SNAPSHOT, stdout: SUMMARY.slice(0, -60) }))).toEqual(['output']);
  });
});

describe('output completeness', () => {
  const o = observation();
  it.each([
    [SNAPSHOT, undefined],
    [SNAPSHOT.slice(0, -1), `snapshot does not parse (${SNAPSHOT.length - 1} bytes)`],
    ['{"schema":"other"}', 'not a kamheap snapshot'],
    [SNAPSHOT.replace('"pid":42', '"pid":43'), 'snapshot of another walk'],
  ])('snapshot %#', (text, problem) => {
    expect(snapshotProblem(text, o)).toBe(problem);
  });

  it('reads the text summary to its last site line', () => {
    expect(summaryProblem(SUMMARY, o)).toBeUndefined();
    expect(summaryProblem(SUMMARY.replace(/\n[^\n]*build_cell[^\n]*\n$/, '\n'), o)).toBe('summary cut short');
    expect(summaryProblem('shm heap of PID 42: ...', o)).toBe('no summary on stdout');
  });
});

describe("Kamailio's log alarm", () => {
  // Lines Kamailio 5.6.3 wrote when a receiver got SIGINT: the receiver's own line, then the main
  // process noticing its exit (then it stops the whole instance).
  it.each([
    ' 1(16175) INFO: <core> [main.c:854]: sig_usr(): signal 2 received',
    ' 0(16172) ALERT: <core> [main.c:770]: handle_sigs(): child process 16175 exited normally, status=0',
    ' 0(16172) ALERT: <core> [main.c:770]: handle_sigs(): child process 16175 exited by a signal 9',
  ])('alarm: %s', (line) => {
    expect(AFTER_EVERY_TRIAL.kamailioLogAlarm.test(line)).toBe(true);
  });

  // Seen after gdb was killed in the attach window: the worker went through a job-control stop.
  it.each([
    ' 0(3046) INFO: <core> [main.c:791]: handle_sigs(): SIGCHLD received, but no child has stopped, ignoring it',
    ' 2(16177) INFO: <core> [main.c:812]: sig_usr(): SIGHUP received, ignoring it',
  ])('notice, not alarm: %s', (line) => {
    expect(AFTER_EVERY_TRIAL.kamailioLogAlarm.test(line)).toBe(false);
    expect(AFTER_EVERY_TRIAL.kamailioLogNotice.test(line)).toBe(true);
  });

  it('does not fire on an ordinary line', () => {
    const line = ' 0(16172) INFO: <core> [main.c:2917]: main(): processes (at least): 7 - shm size: 67108864 - pkg size: 8388608';
    expect(AFTER_EVERY_TRIAL.kamailioLogAlarm.test(line) || AFTER_EVERY_TRIAL.kamailioLogNotice.test(line)).toBe(false);
  });
});

describe('failure details', () => {
  it('puts the signal that started it before the shutdown it caused, and sums up gone processes', () => {
    const failures = judge(
      observation({
        instance: {
          notRunning: ['PID 7 is gone', 'PID 8 is gone', 'PID 9 in state T'],
          rpc: undefined,
          psx: undefined,
          logAlarms: [
            ' 3(8) INFO: <core> [main.c:854]: sig_usr(): signal 15 received',
            ' 0(7) ALERT: <core> [main.c:770]: handle_sigs(): child process 9 exited normally, status=0',
            ' 1(9) INFO: <core> [main.c:854]: sig_usr(): signal 2 received',
          ],
          logNotices: [],
        },
      }),
    );
    expect(failures.map((f) => f.detail)).toEqual([
      '1 s after the exit: PID 9 in state T; PIDs 7, 8 are gone',
      'Kamailio logged: "INFO: <core> [main.c:854]: sig_usr(): signal 2 received"; "ALERT: <core> [main.c:770]: handle_sigs(): child process 9 exited normally, status=0" (+1)',
    ]);
  });
});

describe('a signal Kamailio ignored', () => {
  const line = ' 0(3046) INFO: <core> [main.c:791]: handle_sigs(): SIGCHLD received, but no child has stopped, ignoring it';
  const noticed = { instance: { notRunning: [], rpc: undefined, psx: undefined, logAlarms: [], logNotices: [line] } };

  it('is a contract failure of its own, not an unsafe one, after a signal to kamheap', () => {
    const failures = judge(observation(noticed));
    expect(failures.map((f) => [f.check, f.severity])).toEqual([['kamailio-noticed', 'contract']]);
    expect(trialNotes(observation(noticed))).toEqual([]);
  });

  it('is a note, not a failure, when the fault itself can kill gdb in the middle of its attach', () => {
    const o = observation({ ...noticed, plan: { fault: 'SIGKILL-gdb' }, exit: { code: 7, signal: null, at: 1800 }, stderr: 'kamheap: gdb died\n' });
    expect(judge(o)).toEqual([]);
    expect(trialNotes(o)).toEqual([`Kamailio noticed: "${line.trim().replace(/^0\(3046\) /, '')}"`]);
  });
});
