// A broken check word in a live heap, reported the same way by both walkers: exit 10, the same
// fragment and kind, no hang, the target running. The test (not kamheap, which never writes)
// overwrites one check word of its own instance through /proc/PID/mem and puts it back after.
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, startKamailio, stopAllKamailio, type Allocator, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import { fmallocDebugX64, qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import type { HeapLayout } from '../../src/heap/layout.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

describe.each<[Allocator, HeapLayout]>([
  ['qm', qmallocDebugX64],
  ['fm', fmallocDebugX64],
])('a check word overwritten in a %s heap', (allocator, layout) => {
  let kamailio: KamailioInstance;
  let timerPid: number;

  beforeAll(async () => {
    kamailio = await startKamailio({ children: 1, shmAllocator: allocator });
    await fillShm(kamailio, { cells: 2_000 });
    const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
    if (!timer) throw new Error('no timer process');
    timerPid = timer.pid;
  });

  afterAll(async () => {
    await stopAllKamailio();
  });

  it.each(['shm', 'pkg'] as const)('in %s: both walkers stop at that fragment with exit 10, and leave the target running', async (heap) => {
    const walk = await runCli(['walk', String(timerPid), '--heap', heap, '--json', '-', '--fragments']);
    expect(walk.exitCode).toBe(ExitCode.ok);
    const fragments = (JSON.parse(walk.stdout) as Snapshot).fragments ?? [];
    // A used fragment near the start (the heap does not move there while traffic is stopped), past
    // the first 16, which a built-in profile must read right before it is trusted at all.
    const victim = fragments.find((f) => f.used && f.index >= 20);
    if (!victim) throw new Error('no fragment to corrupt');
    const check = layout.fragment.checks[0];
    if (!check || check.inTrailer) throw new Error('layout without a header check word');
    const at = BigInt(victim.frag) + BigInt(check.offset);
    const restore = overwrite(timerPid, at, check.width);
    try {
      for (const walker of ['bulk', 'script']) {
        const result = await runCli(['walk', String(timerPid), '--heap', heap, '--walker', walker, '--json', '-']);
        expect({ walker, exitCode: result.exitCode }).toEqual({ walker, exitCode: ExitCode.heapCorrupt });
        const snapshot = JSON.parse(result.stdout) as Snapshot;
        expect(snapshot.walk.complete).toBe(false);
        expect(snapshot.findings[0]).toMatchObject({ kind: 'check-pattern', index: victim.index });
        expect(result.stderr).toMatch(new RegExp(`^kamheap: heap walk stopped at fragment ${victim.index} `));
      }
    } finally {
      restore();
    }
    await expectInstanceHealthy(kamailio);
    expect((await runCli(['walk', String(timerPid), '--heap', heap])).exitCode).toBe(ExitCode.ok);
  });
});

describe('a check word overwritten among the first 16 fragments of a heap read through a built-in profile', () => {
  afterAll(async () => {
    await stopAllKamailio();
  });

  it('cannot be told from a profile that does not fit: unknown layout (exit 13), and the target is never attached', async () => {
    const kamailio = await startKamailio({ children: 1 });
    const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
    if (!timer) throw new Error('no timer process');
    const walk = await runCli(['walk', String(timer.pid), '--heap', 'shm', '--json', '-', '--fragments']);
    const victim = ((JSON.parse(walk.stdout) as Snapshot).fragments ?? []).find((f) => f.used && f.index >= 2 && f.index < 16);
    if (!victim) throw new Error('no fragment to corrupt');
    const check = qmallocDebugX64.fragment.checks[0];
    if (!check) throw new Error('no check word');
    const restore = overwrite(timer.pid, BigInt(victim.frag) + BigInt(check.offset), check.width);
    try {
      for (const walker of ['bulk', 'script']) {
        const result = await runCli(['walk', String(timer.pid), '--heap', 'shm', '--walker', walker, '--gdb', tracedGdb]);
        expect({ walker, exitCode: result.exitCode }).toEqual({ walker, exitCode: ExitCode.heapNotFound });
        expect(readFileSync(ptraceLog, 'utf8')).not.toMatch(/PTRACE_ATTACH|PTRACE_SEIZE/);
        expect(result.stderr.trim()).toMatch(new RegExp(`^kamheap: unknown layout for kamailio 5\\.6\\.3 \\(shm heap, q_malloc\\): the built-in profile q_malloc/dbg/x86_64 does not fit it \\(fragment ${victim.index}: start check check=0x5a5a5a5a5a5a5a5a, expected 0xf0f0f0f0\\)`));
      }
    } finally {
      restore();
    }
    await expectInstanceHealthy(kamailio);
  });
});

/** gdb under strace, logging its ptrace calls: proof that no walk above ever attached. */
const { tracedGdb, ptraceLog } = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-never-attach-'));
  const file = join(dir, 'gdb');
  const log = join(dir, 'ptrace.log');
  writeFileSync(file, `#!/bin/sh\nexec strace -o ${log} -e trace=ptrace /usr/bin/gdb "$@"\n`);
  chmodSync(file, 0o755);
  writeFileSync(log, '');
  return { tracedGdb: file, ptraceLog: log };
})();

/** Writes a wrong value over `width` bytes at `address` of `pid`; returns what puts the old bytes back. */
function overwrite(pid: number, address: bigint, width: number): () => void {
  const fd = openSync(`/proc/${pid}/mem`, 'r+');
  const original = Buffer.alloc(width);
  readSync(fd, original, 0, width, Number(address));
  writeSync(fd, Buffer.alloc(width, 0x5a), 0, width, Number(address));
  return () => {
    writeSync(fd, original, 0, width, Number(address));
    closeSync(fd);
  };
}
