// `kamheap parse-log` as an operator runs it (the built CLI), on the real captures.
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { logSnapshotValidator } from './log-snapshot-schema.js';

const bin = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));
const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const iso = fixture('kamailio-log/rsyslog-iso.txt');

/** Runs the built CLI, optionally with stdin. */
async function kamheap(args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [bin, ...args], { reject: false, ...(input === undefined ? {} : { input }) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kamheap-parse-log-'));
}

describe('kamheap parse-log', () => {
  it('prints a table of the dumps and the top sites of each; incomplete dumps are named on stderr', async () => {
    const r = await kamheap(['parse-log', iso, '--top', '2']);
    expect(r.exitCode).toBe(ExitCode.ok);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`${iso}: 9 dumps by 7 processes in 839 lines (syslog-iso)`);
    expect(out[2]).toBe('1 10464 shm  2026-11-25T00:48:00.366Z     8    62   2.95 MiB  INCOMPLETE');
    expect(out[8]).toBe('7 10598 pkg  2026-11-25T00:48:14.147Z     0    52    500 KiB');
    expect(r.stdout).toContain('#9 pkg of PID 10665 (tlsf_malloc, status+sums, lines 742-838):\n  size 8.00 MiB  free 7.46 MiB  used 503 KiB');
    expect(r.stdout).toMatch(/^ +40 +320 KiB +63\.6% +\? +core: core\/pvapi\.c: pv_init_buffer\(2139\)$/m);
    const raw = await kamheap(['parse-log', iso, '--top', '2', '--bytes']);
    expect(raw.stdout).toContain('#9 pkg of PID 10665 (tlsf_malloc, status+sums, lines 742-838):\n  size 8388528  free 7819768  used 514904');
    expect(raw.stdout).toMatch(/^ +40 +327680 +63\.6% +\? +core: core\/pvapi\.c: pv_init_buffer\(2139\)$/m);
    expect(Math.max(...out.slice(1).map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(r.stderr.trim().split('\n')).toHaveLength(5);
    expect(r.stderr).toContain('kamheap: dump of PID 10464 at lines 2-99 is incomplete');
  });

  it('prints the snapshots as a JSON array with --json, only those of one process with --pid', async () => {
    const r = await kamheap(['parse-log', iso, '--json', '--pid', '10459']);
    expect(r.exitCode).toBe(ExitCode.ok);
    const snapshots = JSON.parse(r.stdout) as AnySnapshot[];
    expect(snapshots.map((s) => [s.target.pid, s.heap.kind, s.log?.firstLine])).toEqual([[10459, 'pkg', 197], [10459, 'pkg', 296]]);
    expect(snapshots[0]?.fragments).toBeUndefined();
    const schemaErrors = logSnapshotValidator();
    for (const s of snapshots) expect(schemaErrors(s)).toEqual([]);
  });

  it('reads stdin with -, and lists fragments with --fragments', async () => {
    const text = ['kamailio/shm-status.txt', 'kamailio/shm-summary.txt'].map((f) => readFileSync(fixture(f), 'utf8')).join('');
    const r = await kamheap(['parse-log', '-', '--json', '--fragments'], text);
    const [s] = JSON.parse(r.stdout) as AnySnapshot[];
    expect(s?.fragments).toHaveLength(300);
    expect(s?.log).toMatchObject({ file: '-', timeFrom: 'read', parts: 'status+sums', sitesFrom: 'fragments' });
  });

  it("dates classic syslog stamps in the year of the file's mtime, or the year before when they would fall after it", async () => {
    const file = join(tempDir(), 'syslog');
    copyFileSync(fixture('kamailio-log/rsyslog-classic.txt'), file);
    const stamp = (r: { stdout: string }): string | undefined => (JSON.parse(r.stdout) as AnySnapshot[])[0]?.createdAt;
    utimesSync(file, new Date(2031, 11, 31), new Date(2031, 11, 31));
    expect(stamp(await kamheap(['parse-log', file, '--json']))).toBe(new Date(2031, 10, 25, 0, 48, 0).toISOString());
    utimesSync(file, new Date(2031, 2, 1), new Date(2031, 2, 1));
    expect(stamp(await kamheap(['parse-log', file, '--json']))).toBe(new Date(2030, 10, 25, 0, 48, 0).toISOString());
  });

  it('writes one snapshot per dump with --out, which diff compares like walked ones', async () => {
    const dir = tempDir();
    const r = await kamheap(['parse-log', iso, '--out', dir]);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect(r.stderr).toContain(`kamheap: wrote 9 snapshots to ${dir}`);
    expect(readdirSync(dir).sort()).toEqual([
      'pid-10459-pkg-1.json', 'pid-10459-pkg-2.json', 'pid-10462-pkg-1.json', 'pid-10464-shm-1.json', 'pid-10464-shm-2.json',
      'pid-10598-pkg-1.json', 'pid-10600-shm-1.json', 'pid-10665-pkg-1.json', 'pid-10667-shm-1.json',
    ]);
    const diff = await kamheap(['diff', join(dir, 'pid-10464-shm-1.json'), join(dir, 'pid-10464-shm-2.json')]);
    expect(diff.exitCode).toBe(ExitCode.ok);
    expect(diff.stdout).toContain('shm heap, PID 10464: 2026-11-25T00:48:00.366Z -> 2026-11-25T00:48:06.733Z (6s)');
    expect(diff.stdout).toContain('free 60.8 MiB -> 60.8 MiB (-40.6 KiB); used +18.0 KiB; real used +40.6 KiB');
    expect(diff.stdout).toMatch(/^\+9.59 KiB +\+80 +19.5 KiB +165 +grew +htable: ht_api\.c: ht_cell_new\(186\)$/m);
    const raw = await kamheap(['diff', join(dir, 'pid-10464-shm-1.json'), join(dir, 'pid-10464-shm-2.json'), '--bytes']);
    expect(raw.stdout).toContain('free 63745848 -> 63704296 (-41552); used +18464; real used +41552');
  });

  it('diffs a snapshot of a *_sums block alone, whose heap totals are unknown', async () => {
    const dir = tempDir();
    await kamheap(['parse-log', fixture('kamailio/shm-status.txt'), '--out', join(dir, 'status')]);
    await kamheap(['parse-log', fixture('kamailio/shm-summary.txt'), '--out', join(dir, 'sums')]);
    const diff = await kamheap(['diff', join(dir, 'status', 'pid-3669-shm-1.json'), join(dir, 'sums', 'pid-3669-shm-1.json')]);
    expect(diff.exitCode).toBe(ExitCode.ok);
    expect(diff.stdout).toContain('free 60.8 MiB -> ?: heap totals unknown (a snapshot parsed from *_sums lines has none)');
    expect(diff.stdout).toMatch(/^\+728 B +\+1 +728 B +1 +new +core: core\/cfg\/cfg_str…: cfg_clone_global\(626\)$/m);
  });

  it('exits with the heap-corrupt code when Kamailio reports an overwritten check word', async () => {
    // A real dump with one report line added in q_malloc.c's format ("* end overwritten(%lx, %lx)!").
    const lines = readFileSync(fixture('kamailio/shm-status.txt'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('     1. N  address='));
    lines.splice(at + 3, 0, ' 6(3669) ALERT: qm_status: qm_status():          * end overwritten(41414141, c0c0c0c0)!');
    const file = join(tempDir(), 'corrupt.log');
    writeFileSync(file, lines.join('\n'));
    const r = await kamheap(['parse-log', file]);
    expect(r.exitCode).toBe(ExitCode.heapCorrupt);
    expect(r.stdout).toContain('CORRUPT');
    expect(r.stdout).toContain('check-pattern: Kamailio reports: end overwritten(41414141, c0c0c0c0)!');
  });

  it.each<[string, () => string[], RegExp]>([
    ['a missing file', () => ['/nonexistent/kamailio.log'], /^kamheap: cannot read \/nonexistent\/kamailio\.log: ENOENT$/],
    ['an empty file', () => [writeTemp('')], /^kamheap: .* is empty$/],
    ['a file without dumps', () => [fixture('kamailio-log/README.md')], /^kamheap: no Kamailio memory dump in .*README\.md \(\d+ lines\): found no qm_status/],
    ['a PID without dumps', () => [iso, '--pid', '4242'], /^kamheap: no dump by PID 4242 in .*; the dumps there are by 10464, 10462, 10459, 10600, 10598, 10667, 10665$/],
  ])('refuses %s with one line and exit code 11', async (_what, args, message) => {
    const r = await kamheap(['parse-log', ...args()]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('refuses a bad --pid as a usage error', async () => {
    expect((await kamheap(['parse-log', iso, '--pid', 'abc'])).exitCode).toBe(ExitCode.usage);
  });
});

function writeTemp(text: string): string {
  const file = join(tempDir(), 'input.log');
  writeFileSync(file, text);
  return file;
}
