// What gdb does on the box, traced with strace, against what the README's "Safety" section says:
// while the target is stopped gdb opens only the target's /proc entries and the executable (no
// shared library, no libthread_db), it reads no .gdb_history, and it sends the target no signal.
import { chmodSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let dir: string;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-footprint-'));
});

afterAll(async () => {
  await stopAllKamailio();
});

/** Runs a walk with gdb under strace (gdb itself, not its short-lived children) and returns the trace lines. */
async function tracedWalk(walker: 'bulk' | 'script', pid: number): Promise<string[]> {
  const trace = join(dir, `${walker}.trace`);
  const wrapper = join(dir, `gdb-${walker}`);
  writeFileSync(wrapper, `#!/bin/sh\nexec strace -o ${trace} -e trace=openat,open,kill,tgkill,tkill,ptrace /usr/bin/gdb "$@"\n`);
  chmodSync(wrapper, 0o755);
  const result = await runCli(['walk', String(pid), '--heap', 'pkg', '--walker', walker, '--gdb', wrapper, '--top', '1']);
  expect(result.exitCode).toBe(ExitCode.ok);
  return readFileSync(trace, 'utf8').split('\n');
}

describe.each(['bulk', 'script'] as const)('gdb under the %s walker', (walker) => {
  it('opens only the target\'s /proc entries and the executable while the target is stopped, and never signals it', async () => {
    const target = (await kamailio.processes()).find((p) => p.description === 'timer');
    if (!target) throw new Error('no timer process');
    const lines = await tracedWalk(walker, target.pid);
    const attach = lines.findIndex((l) => l.includes(`PTRACE_ATTACH, ${target.pid}`));
    const detach = lines.findIndex((l) => l.includes(`PTRACE_DETACH, ${target.pid}`));
    expect(attach).toBeGreaterThan(0);
    expect(detach).toBeGreaterThan(attach);
    const executable = realpathSync(`/proc/${target.pid}/exe`);
    const opened = lines
      .slice(attach, detach)
      .map((l) => /^open(?:at)?\((?:AT_FDCWD, )?"([^"]*)".*\) = (-?\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ path: m[1] ?? '', ok: Number(m[2]) >= 0 }));
    expect(opened.length).toBeGreaterThan(0);
    for (const { path, ok } of opened) {
      // gdb's own /proc/self/mem and the target's entries; the executable; failed probes under the /proc sysroot only.
      const allowed = ok ? path.startsWith(`/proc/${target.pid}/`) || path === '/proc/self/mem' || path === executable : path.startsWith('/proc/kamheap-no-sysroot/');
      expect({ path, ok, allowed }).toEqual({ path, ok, allowed: true });
    }
    const whole = lines.join('\n');
    expect(whole).not.toMatch(/libthread_db|\.gdb_history/);
    expect(whole).not.toMatch(new RegExp(`(?:tg|t)?kill\\((?:\\d+, )?${target.pid},`));
    await expectInstanceHealthy(kamailio);
  });
});
