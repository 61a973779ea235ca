// `kamheap report` as a user runs it: the page to a file or stdout, and bad input as one line with
// its exit code, never a stack trace.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { kamheap } from '../helpers/kamheap-cli.js';
import { fixture } from '../report/report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kamheap-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kamheap report', () => {
  it('writes the page to -o FILE, and the same page to stdout without -o or with "-"', async () => {
    const out = join(dir, 'report.html');
    const written = await kamheap(['report', fixture('snapshots/shm-after.json'), fixture('snapshots/shm-before.json'), '-o', out]);
    expect(written).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    const strip = (html: string): string => html.replace(/at \d{4}-\d\d-\d\dT[\d:.]+Z/, '');
    for (const args of [[], ['-o', '-']]) {
      const r = await kamheap(['report', fixture('snapshots/shm-after.json'), fixture('snapshots/shm-before.json'), ...args]);
      expect(r.exitCode).toBe(0);
      expect(strip(`${r.stdout}\n`)).toBe(strip(page));
    }
  });

  it.each([
    ['a missing snapshot', () => ['report', join(dir, 'nope.json')], /^kamheap: cannot read .*nope\.json: ENOENT$/],
    ['a file that is not a snapshot', () => ['report', fixture('kamailio/shm-summary.txt')], /is not JSON/],
    ['a pkg heap compared with a shm heap', () => ['report', fixture('snapshots/shm-after.json'), fixture('snapshots/pkg.json')], /cannot compare a pkg heap with a shm heap/],
    ['a directory without watch samples', () => ['report', fixture('snapshots/shm-after.json'), dir], /holds 0 snapshot-NNN\.json files/],
    ['a watch directory with one sample', () => ['report', fixture('snapshots/shm-after.json'), oneSampleDir()], /holds 1 snapshot-NNN\.json files/],
    ['watch samples of another heap', () => ['report', fixture('snapshots/pkg.json'), fixture('report/watch')], /are not of the pkg heap/],
    ['an NDJSON fragment line that is not a fragment', () => ['report', brokenNdjson()], /line 3: not a fragment record/],
  ])('refuses %s with one line and exit 11', async (_name, args, message) => {
    const r = await kamheap(args());
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('writes nothing when the output path cannot be written', async () => {
    const r = await kamheap(['report', fixture('snapshots/shm-after.json'), '-o', join(dir, 'missing-dir', 'r.html')]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stdout).toBe('');
  });
});

// The real pkg --fragments NDJSON fixture with its third line replaced.
function brokenNdjson(): string {
  const lines = readFileSync(fixture('report/pkg-timer-fragments.ndjson'), 'utf8').split('\n');
  lines[2] = '{"index":1,"frag":"not hex"}';
  const file = join(dir, 'broken.ndjson');
  writeFileSync(file, lines.join('\n'));
  return file;
}


// A watch directory holding only the first sample of the fixture's.
function oneSampleDir(): string {
  const watch = join(dir, 'one-sample');
  mkdirSync(watch, { recursive: true });
  copyFileSync(fixture('report/watch/snapshot-001.json'), join(watch, 'snapshot-001.json'));
  return watch;
}
