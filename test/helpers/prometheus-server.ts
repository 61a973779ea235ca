// A real Prometheus (Debian's package, installed by scripts/setup.sh) for tests: its own config and
// storage in a temp dir, listening on a free loopback port, scraping the given targets every second.
// stop() ends it and removes the dir; call it in a finally/afterAll.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from '../../testbed/free-port.js';
import { waitUntil } from './run-cli.js';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** An instant query through /api/v1/query; throws unless Prometheus answers status "success". */
  query(expr: string): Promise<PromSample[]>;
  /** Its log so far (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (host:port, path /metrics) every second, and waits until it is ready. */
export async function startPrometheus(targets: readonly string[]): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: kamheap',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const child: ResultPromise<{ reject: false }> = execa(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { reject: false },
  );
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await child;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => child.exitCode === null && (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)), 60_000, `Prometheus ready on ${url}`);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}; prometheus log: ${stderr}`);
  }
  return {
    url,
    log: () => stderr,
    stop,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
      if (body.status !== 'success' || !body.data) throw new Error(`query ${expr}: ${body.error ?? response.status}`);
      if (body.data.resultType !== 'vector') throw new Error(`query ${expr}: a ${body.data.resultType}, not a vector`);
      return body.data.result;
    },
  };
}
