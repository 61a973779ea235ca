// `kamheap serve` on a real Kamailio, scraped by a real Prometheus (Debian's package) on loopback:
// PromQL answers a known site's bytes exactly as Kamailio's own corex.shm_summary does, the served
// text passes promtool, every query of the Grafana dashboard runs, and SIGTERM/SIGINT end serve
// with exit 0, the socket closed and every Kamailio process running. Everything started here is
// stopped in afterAll/finally, failing or not.
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, shmSummary, startKamailio, stopAllKamailio, type KamailioInstance, type SumsEntry } from '../../testbed/index.js';
import { dashboardExpressions } from '../helpers/dashboard-queries.js';
import { parseExposition, type ParsedSample } from '../helpers/exposition-parse.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import { startCli, waitUntil } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

interface ServeRun {
  child: ResultPromise<{ reject: false; all: false }>;
  authority: string;
  stderr(): string;
}

let kamailio: KamailioInstance;
const running: ServeRun[] = [];
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  // 2,000 htable cells: one large site that stays put (nothing expires them).
  await fillShm(kamailio, { cells: 2000 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  try {
    for (const run of running) run.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.child));
    await prometheus?.stop();
  } finally {
    await stopAllKamailio();
  }
});

/** Starts serve on a port the kernel picks and reads that port from its start-up line. */
async function startServe(args: readonly string[], pid = kamailio.pid): Promise<ServeRun> {
  const child = startCli(['serve', String(pid), '--listen', '127.0.0.1:0', '--interval', '1', ...args]);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const run = { child, authority: '', stderr: () => stderr };
  running.push(run);
  await waitUntil(() => /listening on http:\/\/(127\.0\.0\.1:\d+)\/metrics/.test(stderr) || child.exitCode !== null, 60_000, 'serve listening');
  const authority = /listening on http:\/\/(127\.0\.0\.1:\d+)\/metrics/.exec(stderr)?.[1];
  if (!authority) throw new Error(`serve did not start: ${stderr}`);
  run.authority = authority;
  return run;
}

/** One scrape, parsed; undefined until the first sample is in. */
async function scrape(run: ServeRun): Promise<{ text: string; samples: ParsedSample[] }> {
  const text = await (await fetch(`http://${run.authority}/metrics`)).text();
  return { text, samples: parseExposition(text).samples };
}

/** Waits for the first sample (the heap series appear with it). */
async function firstSample(run: ServeRun): Promise<void> {
  await waitUntil(async () => (await scrape(run)).samples.some((s) => s.name === 'kamheap_site_bytes'), 120_000, 'the first sample');
}

/** Ends serve with `signal` and returns its exit code and stderr. */
async function stopServe(run: ServeRun, signal: NodeJS.Signals): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  run.child.kill(signal);
  const r = await run.child;
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: run.stderr() };
}

/** The site text as corex.shm_summary prints it: FILE: FUNC(LINE). */
const summaryText = (e: SumsEntry): string => `${e.file}: ${e.func}(${e.line})`;

/** `site` as corex.shm_summary gives it, checked to read the same in two summaries in a row. */
async function stableSite(site: string): Promise<{ site: string; bytes: number; count: number }> {
  const [first, second] = [await shmSummary(kamailio), await shmSummary(kamailio)].map((sums) => sums.filter((e) => summaryText(e) === site));
  if (first?.length !== 1 || second?.length !== 1) throw new Error(`corex.shm_summary has no single ${site}`);
  const [a, b] = [first[0], second[0]];
  if (!a || !b || a.bytes !== b.bytes || a.count !== b.count) throw new Error(`${site} changed between two summaries`);
  return { site, bytes: Number(a.bytes), count: a.count };
}

/** A PromQL string literal. */
const promString = (text: string): string => JSON.stringify(text);

describe('kamheap serve scraped by Prometheus', () => {
  it('answers PromQL for a known site with corex.shm_summary\'s own bytes and count, and the dashboard\'s queries run', async () => {
    const serve = await startServe(['--top', '5']);
    await firstSample(serve);
    prometheus = await startPrometheus([serve.authority]);
    // The site fillShm filled (one htable cell each), as Kamailio names it.
    const oracle = await stableSite('htable: ht_api.c: ht_cell_new(186)');
    expect(oracle.count).toBeGreaterThanOrEqual(2000);
    const selector = `{heap="shm",site=${promString(oracle.site)}}`;
    const prom = prometheus;
    await waitUntil(async () => (await prom.query(`kamheap_site_bytes${selector}`)).length === 1, 60_000, `Prometheus to hold kamheap_site_bytes${selector}`);
    const [bytes] = await prom.query(`kamheap_site_bytes${selector}`);
    const [count] = await prom.query(`kamheap_site_allocations${selector}`);
    expect({ site: oracle.site, bytes: Number(bytes?.value[1]), count: Number(count?.value[1]) }).toEqual(oracle);
    expect(bytes?.metric).toMatchObject({ job: 'kamheap', instance: serve.authority, heap: 'shm', module: 'htable' });

    // Top 5 plus "other" per heap, whatever the number of sites; they and the modules sum alike (one sample).
    expect(await prom.query('kamheap_site_bytes{heap="shm"}')).toHaveLength(6);
    const [sites] = await prom.query('sum(kamheap_site_bytes{heap="shm"})');
    const [modules] = await prom.query('sum(kamheap_module_bytes{heap="shm"})');
    expect(Number(sites?.value[1])).toBe(Number(modules?.value[1]));

    // One pkg series per process of core.psx, with its role; shm through the served PID.
    const psx = await kamailio.processes();
    const pkg = await prom.query('kamheap_heap_real_used_bytes{heap="pkg"}');
    expect(pkg.map((s) => [Number(s.metric['pid']), s.metric['role']]).sort()).toEqual(psx.map((p) => [p.pid, p.description]).sort());
    const shm = await prom.query('kamheap_heap_size_bytes{heap="shm"}');
    expect(shm.map((s) => s.metric['pid'])).toEqual([String(kamailio.pid)]);

    for (const [where, expr] of dashboardExpressions()) {
      const query = expr
        .replace(/^label_values\((.*), *[a-z_]+\)$/, '$1')
        .replaceAll('$__rate_interval', '1m')
        .replace(/\$(instance|heap|pid)\b/g, '.*');
      const result = await prom.query(query);
      // Every panel but the corruption counters and errors (0, and absent when nothing failed) has data.
      if (!/findings|unsettled|errors/.test(expr)) expect({ where, expr, series: result.length > 0 }).toEqual({ where, expr, series: true });
    }

    const { text } = await scrape(serve);
    const check = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    expect({ exitCode: check.exitCode, output: `${String(check.stdout)}${String(check.stderr)}` }).toEqual({ exitCode: 0, output: '' });

    const end = await stopServe(serve, 'SIGTERM');
    expect(end).toEqual({ exitCode: 0, stdout: '', stderr: expect.stringMatching(/^kamheap serve: listening on [^\n]*\n$/) });
    await expect(fetch(`http://${serve.authority}/metrics`)).rejects.toThrow();
  });

  it('--all walks every pkg heap (exact while stopped: the pkg sites sum to the header\'s used bytes); SIGINT mid-walk ends it with exit 0, every process running', async () => {
    const serve = await startServe(['--all', '--top', '3']);
    await firstSample(serve);
    const { samples } = await scrape(serve);
    const psx = await kamailio.processes();
    const values = (name: string, heap: string): ParsedSample[] => samples.filter((s) => s.name === name && s.labels['heap'] === heap);
    expect(values('kamheap_heap_used_fragments', 'pkg').map((s) => Number(s.labels['pid'])).sort()).toEqual(psx.map((p) => p.pid).sort());
    const sum = (list: ParsedSample[]): number => list.reduce((n, s) => n + s.value, 0);
    expect(sum(values('kamheap_site_bytes', 'pkg'))).toBe(sum(values('kamheap_heap_used_bytes', 'pkg')));
    expect(values('kamheap_site_bytes', 'pkg')).toHaveLength(4);
    expect(values('kamheap_walk_pause_seconds', 'shm').map((s) => s.value)).toEqual([0]);
    // Walks follow each other every second: the signal lands in or between walks, and either way the end is clean.
    const end = await stopServe(serve, 'SIGINT');
    expect([end.exitCode, end.stdout]).toEqual([0, '']);
    expect(end.stderr).not.toMatch(/error|failed/i);
  });

  it('--heap pkg walks the served process\'s pkg heap (its sites sum to its header\'s used bytes), the others\' totals from their headers', async () => {
    const serve = await startServe(['--heap', 'pkg', '--top', '4']);
    await firstSample(serve);
    const { samples } = await scrape(serve);
    const pid = String(kamailio.pid);
    const walked = samples.filter((s) => s.name === 'kamheap_heap_used_fragments');
    expect(walked.map((s) => [s.labels['heap'], s.labels['pid']])).toEqual([['pkg', pid]]);
    const used = samples.find((s) => s.name === 'kamheap_heap_used_bytes' && s.labels['pid'] === pid);
    const sites = samples.filter((s) => s.name === 'kamheap_site_bytes');
    expect(sites.every((s) => s.labels['heap'] === 'pkg')).toBe(true);
    expect(sites).toHaveLength(5);
    expect(sites.reduce((n, s) => n + s.value, 0)).toBe(used?.value);
    expect(samples.filter((s) => s.name === 'kamheap_heap_free_bytes')).toHaveLength((await kamailio.processes()).length);
    expect((await stopServe(serve, 'SIGTERM')).exitCode).toBe(0);
  });

  it('ends with exit 15 and one line when the served Kamailio is gone', async () => {
    const other = await startKamailio({ children: 1 });
    try {
      const serve = await startServe([], other.pid);
      await firstSample(serve);
      await other.stop();
      const r = await serve.child;
      expect([r.exitCode, String(r.stdout)]).toEqual([15, '']);
      expect(serve.stderr().trim().split('\n').at(-1)).toBe(`kamheap: PID ${other.pid} exited; serve ends`);
    } finally {
      await other.stop();
    }
  });

  it('says a port in use in one line, exit 18, and stops nothing', async () => {
    const holder = await startServe([]);
    const second = startCli(['serve', String(kamailio.pid), '--listen', holder.authority]);
    const r = await second;
    expect([r.exitCode, String(r.stdout), String(r.stderr)]).toEqual([18, '', `kamheap: cannot listen on ${holder.authority}: the address is in use`]);
    expect((await stopServe(holder, 'SIGTERM')).exitCode).toBe(0);
  });
});
