// `kamheap doctor` on this machine's real values and a real Kamailio: each verdict agrees with what
// Kamailio and the kernel say themselves.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { CheckResult } from '../../src/doctor/check.js';
import { kamheapBin, runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let ctlPid: number;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  const ctl = (await kamailio.processes()).find((p) => p.description === 'ctl handler');
  if (!ctl) throw new Error('no ctl handler process');
  // The ctl handler runs the RPCs, so its view of the config changes as soon as cfg.set_now does.
  ctlPid = ctl.pid;
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** Runs doctor --json and returns its checks by name. */
async function doctor(...args: string[]): Promise<Map<string, CheckResult>> {
  const result = await runCli(['doctor', ...args, '--json']);
  expect(result.exitCode).toBe(0);
  const { checks } = JSON.parse(result.stdout) as { checks: CheckResult[] };
  return new Map(checks.map((c) => [c.name, c]));
}

it('checks gdb, attach rights and the OS memory without a PID, and says no Kamailio runs when none is visible', async () => {
  // A PID namespace with a /proc of its own, where kamheap is alone: the machine's checks only.
  const result = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, kamheapBin, 'doctor', '--format', 'json'], { reject: false });
  expect(result.exitCode).toBe(0);
  const checks = new Map((JSON.parse(result.stdout) as { checks: CheckResult[] }).checks.map((c) => [c.name, c]));
  expect([...checks.keys()]).toEqual(['gdb', 'ptrace', 'kamailio', 'OS memory']);
  expect(checks.get('gdb')?.status).toBe('ok');
  expect(checks.get('ptrace')).toMatchObject({ status: 'ok', verdict: expect.stringMatching(/^root/) });
  expect(checks.get('kamailio')).toMatchObject({ status: 'fail', verdict: expect.stringMatching(/^no running Kamailio found/) });
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
  expect(checks.get('OS memory')?.verdict).toContain(`of ${Math.round(total / 1048576)} MiB available`);
});

it('without a PID checks the one instance running, as with its PID', async () => {
  const [found, given] = await Promise.all([doctor(), doctor(String(kamailio.pid))]);
  expect([...found.keys()]).toEqual([...given.keys()]);
  expect(found.get('debug fields')).toEqual(given.get('debug fields'));
  expect(found.get('mem_join')).toEqual(given.get('mem_join'));
});

it("reports Debian's build, shm headroom as core.shmmem does, and mem_join as cfg.get does", async () => {
  const checks = await doctor(String(ctlPid));
  expect(checks.get('debug fields')).toMatchObject({ status: 'ok', verdict: expect.stringContaining('DBG_SR_MEMORY') });
  const shmmem = await kamailio.rpc('core.shmmem');
  const total = /total: (\d+)/.exec(shmmem)?.[1];
  const free = /free: (\d+)/.exec(shmmem)?.[1];
  expect(checks.get('shm headroom')).toMatchObject({ status: 'ok', verdict: expect.stringContaining(`${free} of ${total} B free`) });
  expect(checks.get('pkg headroom')?.verdict).toMatch(/^tightest of \d+ processes is PID \d+/);
  const join = (await kamailio.rpc('cfg.get', 'core', 'mem_join')).trim();
  expect(checks.get('mem_join')?.verdict).toContain(`mem_join=${join}`);
});

it('warns when mem_join is switched off at run time', async () => {
  await kamailio.rpc('cfg.set_now_int', 'core', 'mem_join', '0');
  try {
    const checks = await doctor(String(ctlPid));
    expect(checks.get('mem_join')).toMatchObject({ status: 'warn', verdict: expect.stringContaining('mem_join=0') });
  } finally {
    await kamailio.rpc('cfg.set_now_int', 'core', 'mem_join', '1');
  }
});

it('tells an unprivileged user that it cannot attach', async () => {
  const result = await runCli(['doctor', '--json'], { uid: 65534 });
  const { checks } = JSON.parse(result.stdout) as { checks: CheckResult[] };
  expect(checks.find((c) => c.name === 'ptrace')?.status).not.toBe('ok');
});

it('gives an unprivileged user the whole checklist for a PID, each check it cannot run saying why', async () => {
  const result = await runCli(['doctor', String(ctlPid), '--json'], { uid: 65534 });
  expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
  const { checks } = JSON.parse(result.stdout) as { checks: CheckResult[] };
  expect(checks.map((c) => c.name)).toEqual(['gdb', 'ptrace', 'debug fields', 'shm headroom', 'pkg headroom', 'mem_join', 'OS memory']);
  const byName = new Map(checks.map((c) => [c.name, c]));
  expect(byName.get('ptrace')).toMatchObject({
    status: 'fail',
    verdict: expect.stringContaining(`cannot attach to PID ${ctlPid} (kamailio, uid 0) as uid 65534`),
    advice: expect.stringContaining('root'),
  });
  expect(byName.get('debug fields')).toMatchObject({ status: 'fail', verdict: `not checked: cannot read PID ${ctlPid}'s executable as uid 65534` });
  for (const name of ['shm headroom', 'pkg headroom', 'mem_join']) {
    expect(byName.get(name)).toMatchObject({ status: 'fail', verdict: `not checked: cannot read PID ${ctlPid}'s memory as uid 65534`, advice: expect.stringContaining('root') });
  }
  expect(byName.get('OS memory')?.status).toBe('ok');
  // The text report is the same checklist, one line per check.
  const text = await runCli(['doctor', String(ctlPid)], { uid: 65534 });
  expect(text.exitCode).toBe(0);
  expect(text.stdout.split('\n').filter((l) => l.startsWith('['))).toHaveLength(7);
  expect(text.stdout).toContain(`[FAIL] shm headroom: not checked: cannot read PID ${ctlPid}'s memory as uid 65534`);
});

it('stops at one line, exit 3, for a PID that does not exist, privileged or not', async () => {
  const gone = execa('true');
  const pid = String(gone.pid);
  await gone;
  for (const uid of [undefined, 65534]) {
    const result = await runCli(['doctor', pid], uid === undefined ? {} : { uid });
    expect({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }).toEqual({ exitCode: 3, stdout: '', stderr: `kamheap: no process with PID ${pid}` });
  }
});

it('refuses a process that is not Kamailio (exit 4) without running its executable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-doctor-'));
  const program = join(dir, 'not-kamailio');
  await execa('gcc', ['-o', program, fileURLToPath(new URL('../fixtures/doctor/not-kamailio.c', import.meta.url))]);
  const target = execa(program, { reject: false });
  try {
    const result = await runCli(['doctor', String(target.pid)]);
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 4, stdout: '' });
    expect(result.stderr).toContain('is not a Kamailio process');
    expect(existsSync(`${program}.ran-with-I`)).toBe(false);
  } finally {
    target.kill();
    await target;
    rmSync(dir, { recursive: true, force: true });
  }
});
