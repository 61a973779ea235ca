// The HTTP side of `kamheap serve` on real loopback sockets, its --listen parsing, and the CLI's
// one-line errors for an address that cannot be listened on.
import { execa } from 'execa';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, KamheapError } from '../../src/errors.js';
import { parseListenAddress } from '../../src/serve/listen-address.js';
import { listenMetrics, metricsContentType, type MetricsServer } from '../../src/serve/metrics-server.js';
import { runCli } from '../helpers/run-cli.js';

const open: Array<MetricsServer | Server> = [];

afterEach(async () => {
  for (const s of open.splice(0)) {
    if ('address' in s && typeof s.address !== 'function') await s.close();
    else await new Promise((resolve) => (s as Server).close(resolve));
  }
});

/** A TCP socket holding a loopback port, as another program would. */
async function takenPort(): Promise<number> {
  const holder = createServer();
  open.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('--listen', () => {
  it.each([
    ['127.0.0.1:9465', { host: '127.0.0.1', port: 9465 }],
    ['[::1]:9465', { host: '::1', port: 9465 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['0.0.0.0:65535', { host: '0.0.0.0', port: 65535 }],
  ])('reads %s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['9465', ':9465', '127.0.0.1', '127.0.0.1:65536', '127.0.0.1:-1', '::1:9465', '[127.0.0.1]:9465', 'example.com:9465', '127.0.0.1:94a', '127.0.0.1:9465 ', '1.2.3:4', ''])(
    'refuses "%s" as a usage error',
    (text) => {
      expect(() => parseListenAddress(text)).toThrowError(expect.objectContaining({ kind: 'usage', message: expect.stringContaining('--listen must be HOST:PORT') }));
    },
  );
});

describe('the metrics server', () => {
  it('answers GET /metrics with the exposition, GET / with a pointer, and 404 to anything else', async () => {
    let scrapes = 0;
    const server = await listenMetrics({ host: '127.0.0.1', port: 0 }, () => `# scrape ${++scrapes}\n`);
    open.push(server);
    const base = `http://127.0.0.1:${server.address.port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(metricsContentType);
    expect(await metrics.text()).toBe('# scrape 1\n');
    expect(await (await fetch(`${base}/metrics?x=1`)).text()).toBe('# scrape 2\n');
    const root = await fetch(`${base}/`);
    expect([root.status, await root.text()]).toEqual([200, 'kamheap serve: Prometheus metrics at /metrics\n']);
    for (const [method, path] of [['GET', '/metrics/'], ['GET', '/favicon.ico'], ['POST', '/metrics'], ['PUT', '/'], ['DELETE', '/metrics']] as const) {
      const response = await fetch(`${base}${path}`, { method });
      expect([method, path, response.status]).toEqual([method, path, 404]);
      await response.text();
    }
    expect(scrapes).toBe(2);
  });

  it('closes even with a keep-alive connection open', async () => {
    const server = await listenMetrics({ host: '127.0.0.1', port: 0 }, () => 'x\n');
    await (await fetch(`http://127.0.0.1:${server.address.port}/metrics`, { keepalive: true })).text();
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.address.port}/metrics`)).rejects.toThrow();
  });

  it('names a port in use in one line with its own exit code', async () => {
    const port = await takenPort();
    const error = await listenMetrics({ host: '127.0.0.1', port }, () => '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KamheapError);
    expect((error as KamheapError).exitCode).toBe(ExitCode.addressInUse);
    expect((error as KamheapError).message).toBe(`cannot listen on 127.0.0.1:${port}: the address is in use`);
  });
});

describe('kamheap serve on an address it cannot have', () => {
  it('exits 18 with one line when the port is taken (before reading anything of the target)', async () => {
    const port = await takenPort();
    const r = await runCli(['serve', String(process.pid), '--listen', `127.0.0.1:${port}`]);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([ExitCode.addressInUse, '', `kamheap: cannot listen on 127.0.0.1:${port}: the address is in use`]);
  });

  it('ends with the first round\'s own error (exit 4 for a process that is not Kamailio), the socket closed', async () => {
    const sleeper = execa('sleep', ['600']);
    try {
      const r = await runCli(['serve', String(sleeper.pid), '--listen', '127.0.0.1:0']);
      const lines = r.stderr.split('\n');
      expect([r.exitCode, r.stdout, lines.length]).toEqual([ExitCode.notKamailio, '', 2]);
      expect(lines[0]).toMatch(/^kamheap serve: listening on http:\/\/127\.0\.0\.1:\d+\/metrics; every 30 s: /);
      expect(lines[1]).toBe(`kamheap: PID ${String(sleeper.pid)} is not a Kamailio process (its executable has no _pkg_root)`);
    } finally {
      sleeper.kill();
      await sleeper.catch(() => undefined);
    }
  });

  it.each([
    [['--listen', 'nowhere:9465'], '--listen must be HOST:PORT'],
    [['--listen', '192.0.2.1:9465'], 'cannot listen on 192.0.2.1:9465: this host has no such address (--listen)'],
    [['--interval', '0.5'], '--interval must be'],
    [['--top', '1001'], '--top must be from 0 to 1000'],
    [['--heap', 'pkg', '--all'], '--heap and --all do not go together'],
    [['--heap', 'stack'], '--heap must be pkg or shm'],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCli(['serve', String(process.pid), ...args]);
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
