// `npm run faults [-- --trials N --seed S --only FAULT[,FAULT] --trial K[,K] --quick --keep]`:
// randomized fault-injection trials against a real Kamailio, one line per trial, then a markdown
// table of counts per fault. `--load`: the load check instead. Exit codes: 0 every trial passed,
// 1 some failed, 2 the harness could not run (bad option, Kamailio would not start, calibration
// failed), 130 interrupted. Kamailio, kamheap, gdb and sipp are stopped on every path.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeSourceState } from '../../bench/source-state.js';
import { stopAllKamailio } from '../../testbed/index.js';
import { repoRoot } from '../helpers/run-cli.js';
import { calibrate } from './calibration.js';
import { FaultInstance } from './fault-instance.js';
import { killLoadNow, runLoadCheck } from './load-check.js';
import { renderCalibration, renderReport, trialLine } from './report.js';
import { killLiveTrialsNow, runTrial, type TrialResult } from './run-trial.js';
import { newSeed } from './seeded-random.js';
import { parseFaults, planTrials, quickPlan, type TrialPlan } from './trial-plan.js';

interface Options {
  trials: number;
  seed: number;
  only: string | undefined;
  trial: string | undefined;
  quick: boolean;
  load: boolean;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      trials: { type: 'string', default: '120' },
      seed: { type: 'string' },
      only: { type: 'string' },
      trial: { type: 'string' },
      quick: { type: 'boolean', default: false },
      load: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, not "${values.trials}"`);
  const seed = values.seed === undefined ? newSeed() : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, not "${values.seed}"`);
  return { trials, seed, only: values.only, trial: values.trial, quick: values.quick, load: values.load, keep: values.keep };
}

// The trials to run: the seed's list (or the quick subset), narrowed by --only and --trial.
function selectTrials(o: Options): TrialPlan[] {
  let plans = o.quick ? quickPlan() : planTrials(o.seed, o.trials, o.only === undefined ? undefined : parseFaults(o.only));
  if (o.quick && o.only !== undefined) {
    const only = parseFaults(o.only);
    plans = plans.filter((p) => only.includes(p.fault));
  }
  if (o.trial !== undefined) {
    const wanted = o.trial.split(',').map(Number);
    plans = plans.filter((p) => wanted.includes(p.n));
  }
  return plans;
}

function log(line: string): void {
  process.stderr.write(`faults: ${line}\n`);
}

// Runs the trials; returns the exit code.
async function runTrials(o: Options, workDir: string): Promise<number> {
  const plans = selectTrials(o);
  if (plans.length === 0) throw new Error('no trial selected');
  const runId = `${process.pid}-${Date.now()}`;
  const began = performance.now();
  const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${o.quick ? 'quick subset' : `seed ${o.seed}`}: ${plans.length} trials (replay: npm run faults -- ${o.quick ? '--quick' : `--seed ${o.seed} --trials ${o.trials}${o.only ? ` --only ${o.only}` : ''}`})`);
  const instance = new FaultInstance(log);
  await instance.start();
  log('calibrating: plain walks of each kind');
  const calibration = await calibrate(instance.pidOf('receiver-0'), 2, workDir);
  console.log(`calibration: ${renderCalibration(calibration)}`);
  const results: TrialResult[] = [];
  for (const plan of plans) {
    const result = await runTrial(plan, { instance, calibration, workDir, runId });
    results.push(result);
    console.log(trialLine(result));
  }
  const report = renderReport({
    seed: o.quick ? undefined : o.seed,
    source: describeSourceState(repoRoot),
    loadAverage,
    calibration,
    totalMs: performance.now() - began,
    restarts: instance.starts - 1,
    results,
  });
  console.log(`\n${report}`);
  const cache = join(repoRoot, '.cache', 'faults');
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'last-run.md'), report);
  writeFileSync(join(cache, 'last-run.json'), `${JSON.stringify(results.map(({ plan, failures, observation: obs }) => ({ plan, failures, exit: obs.exit, injection: obs.injection, stderr: obs.stderr })), null, 2)}\n`);
  const failed = results.filter((r) => r.failures.length > 0);
  if (failed.length > 0 && o.keep) log(`files of failed trials kept under ${workDir}`);
  return failed.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
    selectTrials(options);
  } catch (error) {
    log(`error: ${(error as Error).message}`);
    return 2;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'faults-run-'));
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping`);
    killLiveTrialsNow();
    killLoadNow();
    rmSync(workDir, { recursive: true, force: true });
    // The testbed's exit hook SIGKILLs every Kamailio it started.
    process.exit(130);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  try {
    if (options.load) {
      const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const { ok, report } = await runLoadCheck({ rate: 500, durationSec: 60, workDir, runId: `${process.pid}-load`, log });
      console.log(`${describeSourceState(repoRoot)}; load average at start ${loadAverage}\n${report}`);
      return ok ? 0 : 1;
    }
    return await runTrials(options, workDir);
  } catch (error) {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  } finally {
    killLiveTrialsNow();
    killLoadNow();
    await stopAllKamailio().catch((error: unknown) => log(`could not stop Kamailio: ${String(error)}`));
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
