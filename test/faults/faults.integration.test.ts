// The quick subset of the fault-injection suite (issue 8), run by `npm test`: 15 fixed trials,
// every fault at least once, both walkers, both heaps, against a real Kamailio. Each trial must
// meet the whole contract (test/faults/contract.ts): Kamailio running, untraced, answering and
// unsignalled; no gdb or temp file left; the documented exit code in time; one-line stderr.
// `npm run faults` runs the randomized 120-trial suite; KAMHEAP_FAULTS=0 skips this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, assert, beforeAll, describe, it } from 'vitest';
import { stopAllKamailio } from '../../testbed/index.js';
import { calibrate, type Calibration } from './calibration.js';
import { FaultInstance } from './fault-instance.js';
import { renderCalibration, trialLine } from './report.js';
import { killLiveTrialsNow, runTrial } from './run-trial.js';
import { quickPlan } from './trial-plan.js';

const SKIP = process.env.KAMHEAP_FAULTS === '0';

describe.skipIf(SKIP)('fault injection, quick subset', () => {
  const instance = new FaultInstance((line) => console.log(`faults: ${line}`));
  const workDir = mkdtempSync(join(tmpdir(), 'faults-quick-'));
  const runId = `${process.pid}-quick`;
  let calibration: Calibration;

  beforeAll(async () => {
    await instance.start();
    calibration = await calibrate(instance.pidOf('receiver-0'), 1, workDir);
    console.log(`calibration: ${renderCalibration(calibration)}`);
  }, 180_000);

  afterAll(async () => {
    killLiveTrialsNow();
    await instance.stop();
    await stopAllKamailio();
    rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  it.each(quickPlan().map((plan) => [`#${plan.n} ${plan.fault} ${plan.variant} ${plan.walker} ${plan.heap}`, plan] as const))(
    '%s',
    async (_name, plan) => {
      const result = await runTrial(plan, { instance, calibration, workDir, runId });
      console.log(trialLine(result));
      // The trial's line names every failed check and what was seen.
      if (result.failures.length > 0) assert.fail(trialLine(result));
    },
    120_000,
  );
});
