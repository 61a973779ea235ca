// The CLI on the Node.js it runs under: --version, parse of a captured walk, and walks of a real
// Kamailio. `npm run check:node18` runs this file chrooted in a fresh Debian 12 root with Debian's
// own Node 18 (KAMHEAP_NODE_MAJOR=18 then makes the test check that it is that Node); npm test
// runs it under the host's Node.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
});

afterAll(async () => {
  await stopAllKamailio();
});

it('runs under the Node.js asked for', () => {
  const major = process.env['KAMHEAP_NODE_MAJOR'];
  if (major !== undefined) expect(process.versions.node.split('.')[0]).toBe(major);
});

it('prints its version', async () => {
  const { version } = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string };
  expect(await runCli(['--version'])).toEqual({ exitCode: 0, stdout: version, stderr: '' });
});

it('parses a captured walk as its snapshot says', async () => {
  const result = await runCli(['parse', `${repoRoot}test/fixtures/walk/shm-walk-full.out`, '--json', '-']);
  expect(result.exitCode).toBe(0);
  const snapshot = JSON.parse(result.stdout) as Snapshot;
  // The heap header the capture's KH_HEAP line carries and the fragments it lists.
  expect({ used: snapshot.heap.used, fragments: snapshot.walk.fragmentsWalked, complete: snapshot.walk.complete }).toEqual({ used: 3049472, fragments: 362, complete: true });
});

it("walks a real Kamailio's shm heap to the totals of core.shmmem, and a pkg heap", async () => {
  const shm = await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--json', '-']);
  expect(shm.exitCode).toBe(0);
  const snapshot = JSON.parse(shm.stdout) as Snapshot;
  const shmmem = Object.fromEntries([...(await kamailio.rpc('core.shmmem')).matchAll(/^\s*(\w+): (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  expect({ size: snapshot.heap.size, used: snapshot.heap.used, walkedUsed: snapshot.totals.used.bytes, complete: snapshot.walk.complete }).toEqual({
    size: shmmem['total'],
    used: shmmem['used'],
    walkedUsed: shmmem['used'],
    complete: true,
  });
  const pkg = await runCli(['walk', String(kamailio.pid)]);
  expect(pkg.exitCode).toBe(0);
  expect(pkg.stdout).toMatch(/^pkg heap of PID \d+: q_malloc/);
  await expectInstanceHealthy(kamailio);
});
