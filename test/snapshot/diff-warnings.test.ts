// diff's warnings on real snapshots (test/fixtures/snapshots/identity/capture.mjs): two instances
// on one host, a process's pkg walked twice, shm through two processes of one instance.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffWarnings } from '../../src/snapshot/diff-warnings.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';

const path = (name: string): string => fileURLToPath(new URL(`../fixtures/snapshots/identity/${name}`, import.meta.url));
const load = (name: string): Promise<AnySnapshot> => readSnapshot(path(name));
const bin = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));

describe('diffWarnings', () => {
  it('is silent for one process walked twice, in order', async () => {
    expect(diffWarnings(await load('pkg-a1.json'), await load('pkg-a2.json'))).toEqual([]);
  });

  it('is silent for shm read through two processes of one instance (one heap)', async () => {
    expect(diffWarnings(await load('shm-a-main.json'), await load('shm-a-receiver.json'))).toEqual([]);
  });

  it('names the two processes of two instances (pkg: each process has its own heap)', async () => {
    const [a, b] = [await load('pkg-a2.json'), await load('pkg-b.json')];
    expect(diffWarnings(a, b)).toEqual([
      `different processes: PID ${a.target.pid} (${a.target.role}) before, PID ${b.target.pid} (${b.target.role}) after: each process has its own pkg heap`,
      `different pkg heaps: block ${a.heap.block} of ${a.heap.size} B before, ${b.heap.block} of ${b.heap.size} B after`,
    ]);
  });

  it('names two instances by their main process and its start (shm)', async () => {
    const [a, b] = [await load('shm-a-main.json'), await load('shm-b.json')];
    const warnings = diffWarnings(a, b);
    expect(warnings[0]).toBe(
      `different Kamailio instances: main PID ${a.target.instance?.pid} started ${a.target.instance?.started.at} before, main PID ${b.target.instance?.pid} started ${b.target.instance?.started.at} after: a restart in between frees and re-allocates everything: growth is not a leak`,
    );
  });

  it('names a restart under the same PID by its start ticks', async () => {
    const before = await load('pkg-a1.json');
    const after = await load('pkg-a2.json');
    // The same process as if restarted under its PID: its start ticks (the kernel's) are all that tells.
    const restarted = { ...after, target: { ...after.target, started: { at: '2026-12-01T23:30:00.000Z', ticks: (after.target.started?.ticks ?? 0) + 100_000 } } };
    expect(diffWarnings(before, restarted)).toEqual([
      `PID ${before.target.pid} was restarted between the snapshots (started ${before.target.started?.at} before, 2026-12-01T23:30:00.000Z after): a restart in between frees and re-allocates everything: growth is not a leak`,
    ]);
  });

  it('names the same snapshot twice, the order reversed, other hosts and releases, other heap kinds', async () => {
    const a1 = await load('pkg-a1.json');
    const a2 = await load('pkg-a2.json');
    expect(diffWarnings(a1, a1, { sameFile: true })).toEqual(['before and after are the same file: nothing can have changed']);
    expect(diffWarnings(a1, structuredClone(a1))).toEqual([`before and after have the same createdAt (${a1.createdAt}): the same snapshot twice?`]);
    expect(diffWarnings(a2, a1)).toEqual([`after (${a1.createdAt}) is older than before (${a2.createdAt}): are the arguments swapped?`]);
    const elsewhere = { ...a2, target: { ...a2.target, host: 'sbc2', kamailioVersion: '6.0.1' } };
    expect(diffWarnings(a1, elsewhere)).toEqual([`different hosts: ${a1.target.host} before, sbc2 after`, `different Kamailio versions: 5.6.3 before, 6.0.1 after`]);
    const shm = await load('shm-a-receiver.json');
    expect(diffWarnings(a1, shm)).toContain('different heaps: pkg before, shm after');
  });

  it('says when only one side is a walk --all snapshot', async () => {
    expect(diffWarnings(await load('shm-a-main.json'), await load('all-4.json'))).toContain('only after is a walk --all snapshot: only the shm heap is compared');
  });
});

describe('kamheap diff', () => {
  it('prints each warning on one stderr line and in --json, with the exit code of a diff', async () => {
    const text = await execa(process.execPath, [bin, 'diff', path('pkg-a2.json'), path('pkg-b.json')], { reject: false });
    expect(text.exitCode).toBe(0);
    expect(String(text.stderr).split('\n').filter((l) => l.startsWith('kamheap: warning: '))).toHaveLength(2);
    const json = await execa(process.execPath, [bin, 'diff', path('pkg-a1.json'), path('pkg-a1.json'), '--json'], { reject: false });
    expect(json.exitCode).toBe(0);
    expect((JSON.parse(String(json.stdout)) as { warnings: string[] }).warnings).toEqual(['before and after are the same file: nothing can have changed']);
    expect(String(json.stderr)).toBe('kamheap: warning: before and after are the same file: nothing can have changed');
    const quiet = await execa(process.execPath, [bin, 'diff', path('pkg-a1.json'), path('pkg-a2.json'), '--json'], { reject: false });
    expect(String(quiet.stderr)).toBe('');
    expect((JSON.parse(String(quiet.stdout)) as { warnings: string[] }).warnings).toEqual([]);
  });
});
