// The leak-hunting workflow on a Kamailio whose config grows on purpose: one htable cell per new
// Call-ID (testbed/kamailio.cfg). diff and watch must name ht_cell_new and flag nothing flat.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { SnapshotDiff } from '../../src/snapshot/diff.js';
import { forecastRule } from '../../src/snapshot/free-forecast.js';
import type { Trend } from '../../src/snapshot/trend.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let dir: string;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 100, rate: 200 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-leak-'));
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

it('diff puts ht_cell_new on top after new Call-IDs, by exactly one cell each', async () => {
  const before = join(dir, 'before.json');
  const after = join(dir, 'after.json');
  expect((await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--json', before])).exitCode).toBe(0);
  await runSipp(kamailio, { scenario: 'options', calls: 300, rate: 300 });
  expect((await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--json', after])).exitCode).toBe(0);
  const result = await runCli(['diff', before, after, '--json']);
  const diff = JSON.parse(result.stdout) as SnapshotDiff;
  expect(diff.sites[0]).toMatchObject({ function: 'ht_cell_new', module: 'htable', status: 'grew', countDelta: 300 });
  const strict = await runCli(['diff', before, after, '--fail-on-growth', '1000']);
  expect(strict.exitCode).toBe(14);
});

it('watch names ht_cell_new as the leak suspect under steady new Call-IDs, and flags no flat site', async () => {
  const out = join(dir, 'watch');
  // --interval is a period, start to start: 2.5 s keeps the five samples about 10 s apart in all,
  // whatever a walk takes on a busy machine (a walk past the period would pack the samples together).
  const watch = runCli(['watch', String(kamailio.pid), '--heap', 'shm', '--interval', '2.5', '--samples', '5', '--json', '--out', out]);
  // Steady traffic for the whole watch: 20 new Call-IDs a second.
  await runSipp(kamailio, { scenario: 'options', calls: 260, rate: 20 });
  const result = await watch;
  expect(result.exitCode).toBe(0);
  const trend = JSON.parse(result.stdout) as Trend;
  expect(trend.samples).toHaveLength(5);
  expect(trend.suspects.map((s) => `${s.file}: ${s.function}`)).toEqual(['htable: ht_api.c: ht_cell_new']);
  expect(trend.free.delta).toBeLessThan(0);
  // Seconds of samples under one run of traffic: free memory falls, but that is no forecast.
  expect(trend.free.hoursToExhaustion).toBeNull();
  expect(trend.free.forecast).toMatch(/^no forecast: 5 samples over \d+ s, at least 5 samples over 10 min needed$/);
  expect(trend.forecastRule).toBe(forecastRule);
  for (const site of trend.sites.filter((s) => !s.suspect)) expect(site.falls > 0 || site.rises < 2).toBe(true);
  const kept = readdirSync(out).sort();
  expect(kept).toEqual(['samples.ndjson', 'snapshot-001.json', 'snapshot-002.json', 'snapshot-003.json', 'snapshot-004.json', 'snapshot-005.json']);
  expect(readFileSync(join(out, 'samples.ndjson'), 'utf8').trim().split('\n')).toHaveLength(5);
});

it('watch --all follows shm and the sum of every pkg heap', async () => {
  const watch = runCli(['watch', String(kamailio.pid), '--all', '--interval', '1', '--samples', '3', '--json']);
  // Each --all sample walks every process (seconds): keep new Call-IDs coming for the whole watch.
  const traffic = runSipp(kamailio, { scenario: 'options', calls: 400, rate: 20 });
  const result = await watch;
  await traffic;
  expect(result.exitCode).toBe(0);
  const trend = JSON.parse(result.stdout) as Trend & { pkg: Trend };
  expect(trend.kind).toBe('shm');
  expect(trend.suspects.map((s) => s.function)).toEqual(['ht_cell_new']);
  expect(trend.pkg.kind).toBe('pkg');
  expect(trend.pkg.samples).toHaveLength(3);
  const processes = (await kamailio.processes()).length;
  expect(trend.pkg.samples[0]?.free).toBeGreaterThan((processes - 1) * 7_000_000);
});

