// `kamheap inspect` shows what the fragments of a site hold: here the From URIs the test's SIP
// traffic stored in htable cells (testbed/kamailio.cfg: $sht(calls=>$ci) = $fu).
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { Inspection } from '../../src/cli/inspect-command.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  await runSipp(kamailio, { scenario: 'options', calls: 200, rate: 200 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

it('shows the From URIs held by ht_cell_new fragments, sampled across the heap', async () => {
  const result = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', '--site', 'htable: ht_api.c: ht_cell_new(186)', '--sample', '4', '--json']);
  expect(result.exitCode).toBe(0);
  const inspection = JSON.parse(result.stdout) as Inspection;
  expect(inspection.matching).toBeGreaterThanOrEqual(200);
  expect(inspection.fragments).toHaveLength(4);
  const indices = inspection.fragments.map((f) => f.index);
  expect(indices).toEqual([...indices].sort((a, b) => a - b));
  for (const f of inspection.fragments) {
    expect(f.strings.some((s) => /^sip:u.+-\d+@127\.0\.0\.1$/.test(s))).toBe(true);
    expect(f.bytes.length).toBe(2 * Math.min(256, f.size));
  }
  const text = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', '--site', 'htable: ht_api.c: ht_cell_new(186)', '--sample', '1', '--size', '64']);
  expect(text.stdout).toMatch(/^\d+ used fragments from htable: ht_api\.c: ht_cell_new\(186\)/);
  expect(text.stdout).toMatch(/^ {2}0000 {2}([0-9a-f]{2} ){15}[0-9a-f]{2} {2}.{16}$/m);
});

it.each([
  [['--site', ' '], ExitCode.usage, /--site needs a site string or a part of one/],
  [['--site', 'nowhere.c: nothing(1)'], ExitCode.badInput, /no used fragment from a site matching "nowhere\.c: nothing\(1\)" in the shm heap of PID \d+; pkg heaps .* try kamheap inspect \d+ --heap pkg --site 'nowhere\.c: nothing\(1\)'$/],
])('refuses %j with one line', async (args, code, message) => {
  const result = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', ...args]);
  expect(result.exitCode).toBe(code);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
});
