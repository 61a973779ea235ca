// Snapshots of live walks carry host, release, start, role and instance: real ones
// (test/fixtures/snapshots/identity/capture.mjs) against what /proc and `kamcmd core.psx` said then.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processStart } from '../../src/proc/start-time.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';

const dir = new URL('../fixtures/snapshots/identity/', import.meta.url);
interface Proc { pid: number; startTime: number; role?: string }
interface Side { main: Proc; receiver: Proc & { role: string }; psx: Array<{ pid: number; description: string }> }
const facts = JSON.parse(readFileSync(new URL('facts.json', dir), 'utf8')) as { hostname: string; btime: number; a: Side; b: Side };
const clock = { bootSeconds: facts.btime, ticksPerSecond: 100 };
const started = (p: Proc): { at: string; ticks: number } => processStart(p.startTime, clock);

describe('snapshot identity', () => {
  it.each([
    ['pkg-a1.json', facts.a, facts.a.receiver],
    ['shm-a-main.json', facts.a, { ...facts.a.main, role: 'main process - attendant' }],
    ['shm-a-receiver.json', facts.a, facts.a.receiver],
    ['pkg-b.json', facts.b, facts.b.receiver],
    ['shm-b.json', facts.b, { ...facts.b.main, role: 'main process - attendant' }],
  ])('%s names its host, release, process and instance as /proc and core.psx did', async (file, side, proc) => {
    const s = await readSnapshot(new URL(file, dir).pathname);
    expect(s.target).toEqual({
      pid: proc.pid,
      executable: '/usr/sbin/kamailio',
      host: facts.hostname,
      kamailioVersion: '5.6.3',
      started: started(proc),
      role: proc.role,
      instance: { pid: side.main.pid, started: started(side.main) },
    });
    expect(side.psx.find((p) => p.pid === proc.pid)?.description).toBe(proc.role);
  });

  it('gives every process of a walk --all its start, its role as core.psx says it', async () => {
    const s = await readSnapshot(new URL('all-1.json', dir).pathname);
    expect(s.processes?.map((p) => [p.pid, p.role])).toEqual(facts.a.psx.map((p) => [p.pid, p.description]));
    const receiver = s.processes?.find((p) => p.pid === facts.a.receiver.pid);
    expect(receiver?.started).toEqual(started(facts.a.receiver));
    expect(s.processes?.[0]?.started).toEqual(started(facts.a.main));
  });
});
