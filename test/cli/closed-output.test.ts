// A reader that goes away early (`kamheap --help | head -1`, `parse ... --json - | head -c 50`)
// ends the output quietly: no stack trace, no message, the exit code the run would have had.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { kamheapWithClosedPipe, kamheapWithStdoutFile, requireBuilt } from '../helpers/kamheap-cli.js';
import { syntheticWalk } from '../helpers/synthetic-walk.js';

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
let bigWalk: string;

beforeAll(() => {
  requireBuilt();
  // About 8 MB of snapshot with --fragments: far more than a pipe holds, so the write spans the close.
  bigWalk = join(mkdtempSync(join(tmpdir(), 'kamheap-closed-')), 'walk.out');
  writeFileSync(bigWalk, syntheticWalk(30_000).text);
});

describe('a closed stdout', () => {
  it.each<[string, string[], number]>([
    ['--help', ['--help'], ExitCode.ok],
    ['--version', ['--version'], ExitCode.ok],
    ['a diff', ['diff', fixture('snapshots/shm-before.json'), fixture('snapshots/shm-after.json')], ExitCode.ok],
    ['a parse summary', ['parse', fixture('walk/shm-walk-full.out')], ExitCode.ok],
    ['a parse-log table', ['parse-log', fixture('kamailio/shm-status.txt')], ExitCode.ok],
    ['a usage error', ['walk', 'abc'], ExitCode.usage],
  ])('closed before the first byte: %s ends quietly', async (_what, args, code) => {
    const r = await kamheapWithClosedPipe(args, 'stdout', 'at-once');
    expect(r.other).not.toMatch(/EPIPE|node:events|at .*\.js/);
    expect(r.signal).toBeNull();
    expect(r.exitCode).toBe(code);
    if (code === ExitCode.ok) expect(r.other).toBe('');
  });

  it('closed in the middle of a large snapshot (parse --json -): exit 0, nothing on stderr', async () => {
    const r = await kamheapWithClosedPipe(['parse', bigWalk, '--json', '-', '--fragments'], 'stdout', 'after-first-bytes');
    expect(r.readBeforeClose).toBeGreaterThan(0);
    expect(r).toMatchObject({ exitCode: ExitCode.ok, signal: null, other: '' });
  });

  it('keeps the heap-corrupt exit code of an incomplete walk whose snapshot could not be written out', async () => {
    const broken = syntheticWalk(30_000).text.replace(/ok=1$/m, 'ok=0');
    const file = join(mkdtempSync(join(tmpdir(), 'kamheap-closed-')), 'walk.out');
    writeFileSync(file, broken);
    const r = await kamheapWithClosedPipe(['parse', file, '--json', '-', '--fragments'], 'stdout', 'after-first-bytes');
    expect(r).toMatchObject({ exitCode: ExitCode.heapCorrupt, signal: null, other: '' });
  });

  it('reports a stdout that cannot be written for another reason (a full disk) in one line, exit 11', async () => {
    const r = await kamheapWithStdoutFile(['--help'], '/dev/full');
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toBe('kamheap: cannot write the standard output: no space left on device (ENOSPC)\n');
  });
});

describe('a closed stderr', () => {
  it('ends an error run quietly with its own exit code', async () => {
    const r = await kamheapWithClosedPipe(['parse', '/nonexistent/walk.out'], 'stderr', 'at-once');
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, signal: null, other: '' });
  });
});
