// diff on two real snapshots of one shm heap taken around 500 SIP requests (each stored one htable
// cell), and on broken or mismatched input.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/snapshots/${name}`, import.meta.url));
const bin = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));

/** Runs the built CLI. */
async function kamheap(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [bin, ...args], { reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Writes `text` to a fresh temporary file. */
function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-diff-')), 'snapshot.json');
  writeFileSync(file, text);
  return file;
}

/** The before fixture with its first site's bytes taken out. */
function withoutSiteBytes(): string {
  const snapshot = JSON.parse(readFileSync(fixture('shm-before.json'), 'utf8')) as { sites: Array<Record<string, unknown>> };
  delete snapshot.sites[0]?.['bytes'];
  return JSON.stringify(snapshot);
}

describe('diffSnapshots', () => {
  it('names the htable site that grew by one cell per request, and nothing else', async () => {
    const diff = diffSnapshots(await readSnapshot(fixture('shm-before.json')), await readSnapshot(fixture('shm-after.json')));
    expect(diff.sites[0]).toMatchObject({
      module: 'htable',
      file: 'htable: ht_api.c',
      function: 'ht_cell_new',
      status: 'grew',
      countDelta: 500,
      bytesDelta: 60_000,
    });
    expect(diff.counts).toMatchObject({ grew: 1, shrank: 0, new: 0, vanished: 0 });
    expect(diff.used).toEqual({ countDelta: 500, bytesDelta: 60_000 });
    // Each 120-byte cell costs q_malloc 104 bytes of headers too: free shrinks by 224 per request.
    expect(diff.heap.freeDelta).toBe(-500 * 224);
    expect(diff.heap.realUsedDelta).toBe(500 * 224);
  });

  it('reports new and vanished sites and is antisymmetric', async () => {
    const before = await readSnapshot(fixture('shm-before.json'));
    const after = structuredClone(before);
    const [gone, ...rest] = after.sites;
    after.sites = [...rest, { module: 'dialog', file: 'dialog: dlg_hash.c', function: 'build_new_dlg', line: 481, count: 3, bytes: 900 }];
    const diff = diffSnapshots(before, after);
    expect(diff.sites[0]).toMatchObject({ status: 'new', module: 'dialog', countDelta: 3, bytesDelta: 900 });
    expect(diff.sites.at(-1)).toMatchObject({ status: 'vanished', function: gone?.function, countAfter: 0 });
    const back = diffSnapshots(after, before);
    expect(back.sites.find((s) => s.module === 'dialog')?.status).toBe('vanished');
    expect(back.used.bytesDelta).toBe(-diff.used.bytesDelta);
  });
});

describe('kamheap diff', () => {
  it('prints the growth table and fails on growth past the limit', async () => {
    const table = await kamheap('diff', fixture('shm-before.json'), fixture('shm-after.json'));
    expect(table.exitCode).toBe(ExitCode.ok);
    expect(table.stdout).toMatch(/^ *\+58\.6 KiB +\+500 +3\.49 MiB +30500 +grew +htable: ht_api\.c: ht_cell_new\(186\)$/m);
    const raw = await kamheap('diff', fixture('shm-before.json'), fixture('shm-after.json'), '--bytes', '--by', 'module');
    expect(raw.stdout).toMatch(/^ *\+60000 +\+500 +4183816 +30502 +grew +htable$/m);
    const strict = await kamheap('diff', fixture('shm-before.json'), fixture('shm-after.json'), '--fail-on-growth', '59999');
    expect(strict.exitCode).toBe(ExitCode.growth);
    const lenient = await kamheap('diff', fixture('shm-before.json'), fixture('shm-after.json'), '--fail-on-growth', '60000');
    expect(lenient.exitCode).toBe(ExitCode.ok);
  });

  it('prints JSON with --json', async () => {
    const r = await kamheap('diff', fixture('shm-before.json'), fixture('shm-after.json'), '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'kamheap.diff/1', used: { bytesDelta: 60_000 } });
  });

  it.each([
    ['not JSON', '{"schema": "kamheap.snapshot/1",', /is not JSON/],
    ['another schema', '{"schema": "other/1"}', /schema is "other\/1"/],
    ['a site without bytes', withoutSiteBytes(), /is not a kamheap\.snapshot\/1 snapshot: \/sites\/0\/bytes is missing$/],
  ])('refuses %s with one line and exit code 11', async (_what, text, message) => {
    const r = await kamheap('diff', tempFile(text), fixture('shm-after.json'));
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('refuses to compare a pkg heap with a shm heap', async () => {
    const r = await kamheap('diff', fixture('pkg.json'), fixture('shm-after.json'));
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/cannot compare a pkg heap with a shm heap/);
  });
});
