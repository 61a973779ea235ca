// Every output format of a real walk, written with -o, read back and checked against the json
// snapshot of the same heap; the pprof files read by the real `go tool pprof` (Debian's golang-go,
// installed by scripts/setup.sh): -top lists the sites with the snapshot's exact bytes, and
// -diff_base shows the growth of usrloc's contacts between two walks around a REGISTER load,
// as `kamheap diff` counts it.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { SnapshotDiff } from '../../src/snapshot/diff.js';
import { siteFileText, siteString } from '../../src/snapshot/site-string.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import { decodePprof } from '../helpers/pprof-decode.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let dir: string;

// `go tool pprof` is what operators read these files with; without it the pprof checks cannot mean anything.
const goMissing = await execa('go', ['version'], { reject: false }).then((r) => r.exitCode !== 0, () => true);

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-formats-'));
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

/** `kamheap ARGS --format FORMAT -o DIR/NAME`: nothing on stdout, exit 0; the file's bytes. */
async function written(args: string[], format: string, name: string): Promise<Buffer> {
  const file = join(dir, name);
  const r = await runCli([...args, '--format', format, '-o', file]);
  expect({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  return readFileSync(file);
}

/** `go tool pprof ARGS` with every node shown, in bytes. */
async function pprof(args: string[]): Promise<string> {
  const r = await execa('go', ['tool', 'pprof', '-unit=B', '-nodefraction=0', '-nodecount=100000', ...args], { cwd: dir, env: { HOME: dir, PPROF_TMPDIR: dir } });
  return r.stdout;
}

/** The -top table as name -> flat bytes. */
function topFlat(text: string): Map<string, number> {
  const flat = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*(-?\d+)B?\s+-?[\d.]+%\s+-?[\d.]+%\s+-?\d+B?\s+-?[\d.]+%\s+(.+)$/.exec(line);
    if (m?.[1] && m[2]) flat.set(m[2], Number(m[1]));
  }
  return flat;
}

/** Bytes per leaf frame (`FILE: FUNCTION`, sites of one function added up), as pprof's -top lists them. */
function bytesByFunction(sites: ReadonlyArray<{ module: string; file: string; function: string; line: number; bytes: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of sites) {
    const name = `${siteFileText(s)}: ${s.function}`;
    out.set(name, (out.get(name) ?? 0) + s.bytes);
  }
  return out;
}

describe('walk -o FILE in every format (the pkg heap of the idle main process, the same every walk)', () => {
  const walk = (): string[] => ['walk', String(kamailio.pid), '--heap', 'pkg'];
  let snapshot: Snapshot;

  beforeAll(async () => {
    snapshot = JSON.parse((await written(walk(), 'json', 'pkg.json')).toString()) as Snapshot;
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.sites.length).toBeGreaterThan(10);
  });

  afterAll(async () => {
    // The heap did not change while the formats were walked: each was compared with the same sites.
    const again = JSON.parse((await written(walk(), 'json', 'pkg-again.json')).toString()) as Snapshot;
    expect(again.sites).toEqual(snapshot.sites);
  });

  it('ndjson: the snapshot on one line', async () => {
    const lines = (await written(walk(), 'ndjson', 'pkg.ndjson')).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0] ?? '') as Snapshot).sites).toEqual(snapshot.sites);
  });

  it('csv: one row per site with its exact count and bytes', async () => {
    const rows = (await written(walk(), 'csv', 'pkg.csv')).toString().trimEnd().split('\r\n').slice(1);
    expect(rows).toEqual(snapshot.sites.map((s) => `pkg,${kamailio.pid},,${s.module},${s.file.replace(`${s.module}: `, '')},${s.function},${s.line},${siteString(s)},${s.count},${s.bytes},`));
  });

  it('folded: module;file;function(line) bytes', async () => {
    const lines = (await written(walk(), 'folded', 'pkg.folded')).toString().trimEnd().split('\n');
    expect(lines).toEqual(snapshot.sites.map((s) => `${s.module};${s.file.replace(`${s.module}: `, '')};${s.function}(${s.line}) ${s.bytes}`));
  });

  it('text: the summary, in the file', async () => {
    expect((await written(walk(), 'text', 'pkg.txt')).toString()).toMatch(new RegExp(`^pkg heap of PID ${kamailio.pid}: q_malloc`));
  });

  it('pprof: every site a sample, as pprof-format decodes it', async () => {
    const profile = decodePprof(await written(walk(), 'pprof', 'pkg-decoded.pb.gz'));
    expect(profile.samples.map((s) => [s.stack[0], s.line, s.count, s.bytes, s.labels.pid])).toEqual(
      snapshot.sites.map((s) => [`${siteFileText(s)}: ${s.function}`, s.line, s.count, s.bytes, kamailio.pid]),
    );
  });

  it.skipIf(goMissing)('pprof: go tool pprof -top lists every function with the exact bytes, and module and file as their callers', async () => {
    await written(walk(), 'pprof', 'pkg.pb.gz');
    const top = await pprof(['-top', 'pkg.pb.gz']);
    expect(top).toContain(`of ${snapshot.totals.used.bytes}B total`);
    const flat = topFlat(top);
    for (const [name, bytes] of bytesByFunction(snapshot.sites)) expect({ name, bytes: flat.get(name) }).toEqual({ name, bytes });
    const modules = new Set(snapshot.sites.map((s) => s.module));
    for (const m of modules) expect(flat.get(m)).toBe(0);
    // -peek: the core module's callees are its files.
    const peek = await pprof(['-peek', '^core$', 'pkg.pb.gz']);
    const coreFile = snapshot.sites.find((s) => s.module === 'core');
    expect(peek).toContain(coreFile ? siteFileText(coreFile) : 'no core site');
  });
});

describe('walk --all', () => {
  it('csv and pprof: a set of sites per process, labelled with its pid (and role)', async () => {
    const processes = await kamailio.processes();
    const csv = (await written(['walk', String(kamailio.pid), '--all'], 'csv', 'all.csv')).toString().trimEnd().split('\r\n').slice(1);
    const pkgRows = new Set(csv.filter((r) => r.startsWith('pkg,')).map((r) => r.split(',').slice(1, 3).join(' ')));
    expect([...pkgRows]).toEqual(processes.map((p) => `${p.pid} ${p.description}`));
    expect(csv.some((r) => r.startsWith(`shm,${kamailio.pid},,`))).toBe(true);
    const profile = decodePprof(await written(['walk', String(kamailio.pid), '--all'], 'pprof', 'all.pb.gz'));
    const pids = new Set(profile.samples.filter((s) => s.labels.heap === 'pkg').map((s) => `${s.labels.pid} ${s.labels.role}`));
    expect([...pids]).toEqual(processes.map((p) => `${p.pid} ${p.description}`));
  });
});

describe('ps', () => {
  it('csv: the processes of ps --format json, columns named as kamcmd pkg.stats names them, its total_size and desc', async () => {
    const list = JSON.parse((await written(['ps', String(kamailio.pid)], 'json', 'ps.json')).toString()) as ProcessList;
    const rows = (await written(['ps', String(kamailio.pid)], 'csv', 'ps.csv')).toString().trimEnd().split('\r\n');
    expect(rows[0]).toBe('entry,pid,ns_pid,rank,used,free,real_used,total_size,max_real_used,desc,error');
    const cells = rows.slice(1).map((r) => r.split(','));
    expect(cells.map((c) => [c[0], c[1], c[3], c[9]])).toEqual(list.processes.map((p) => [String(p.index), String(p.pid), String(p.rank), p.role]));
    const stats = (await kamailio.rpc('pkg.stats')).split('}');
    for (const c of cells) {
      const block = stats.find((b) => new RegExp(`pid: ${c[1]}\\b`).test(b)) ?? '';
      expect({ pid: c[1], total_size: c[7], desc: c[9] }).toEqual({ pid: c[1], total_size: /total_size: (\d+)/.exec(block)?.[1], desc: /desc: (.+)/.exec(block)?.[1]?.trim() });
    }
  });
});

describe('two shm walks around 40 REGISTERs', () => {
  const shm = (): string[] => ['walk', String(kamailio.pid), '--heap', 'shm', '--stop'];
  let diff: SnapshotDiff;
  let grown: Map<string, number>;

  beforeAll(async () => {
    await written(shm(), 'pprof', 'before.pb.gz');
    await written(shm(), 'json', 'before.json');
    await runSipp(kamailio, { scenario: 'register', calls: 40, rate: 100 });
    await written(shm(), 'json', 'after.json');
    await written(shm(), 'pprof', 'after.pb.gz');
    diff = JSON.parse((await written(['diff', join(dir, 'before.json'), join(dir, 'after.json')], 'json', 'diff.json')).toString()) as SnapshotDiff;
    // usrloc's sites move with REGISTERs only: the same between each pprof walk and its json walk.
    grown = bytesByFunction(diff.sites.filter((s) => s.module === 'usrloc' && s.bytesDelta > 0).map((s) => ({ ...s, bytes: s.bytesDelta })));
    expect(grown.size).toBeGreaterThan(0);
  });

  it.skipIf(goMissing)('go tool pprof -diff_base before.pb.gz after.pb.gz: the growth of each usrloc function, as kamheap diff counts it', async () => {
    const flat = topFlat(await pprof(['-top', '-diff_base', 'before.pb.gz', 'after.pb.gz']));
    for (const [name, bytes] of grown) expect({ name, bytes: flat.get(name) }).toEqual({ name, bytes });
  });

  it.skipIf(goMissing)('kamheap diff --format pprof: the same growth in one profile', async () => {
    await written(['diff', join(dir, 'before.json'), join(dir, 'after.json')], 'pprof', 'diff.pb.gz');
    const flat = topFlat(await pprof(['-top', 'diff.pb.gz']));
    for (const [name, bytes] of grown) expect({ name, bytes: flat.get(name) }).toEqual({ name, bytes });
  });

  it('kamheap diff --format csv: a row per site with the same deltas as --format json', async () => {
    const rows = (await written(['diff', join(dir, 'before.json'), join(dir, 'after.json')], 'csv', 'diff.csv')).toString().trimEnd().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(-4, -1).map(Number))).toEqual(diff.sites.map((s) => [s.bytesBefore, s.bytesAfter, s.bytesDelta]));
  });
});
