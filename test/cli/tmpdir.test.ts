// An unusable TMPDIR: the commands that need no temporary directory do not notice it, and one that
// does (the script walker) says so in one line instead of an internal error.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openUnlinkedScript } from '../../src/walk/script-file.js';
import { ExitCode } from '../../src/errors.js';
import { kamheap, requireBuilt } from '../helpers/kamheap-cli.js';

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

describe('the walk script file under an unusable TMPDIR', () => {
  it.each<[string, () => string, RegExp]>([
    ['a missing directory', () => '/nonexistent', /^cannot create a temporary file in TMPDIR \(\/nonexistent\): no such file or directory \(ENOENT\); set TMPDIR to a writable directory$/],
    ['a file', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kamheap-tmpdir-')), 'file');
      writeFileSync(file, '');
      return file;
    }, /: not a directory \(ENOTDIR\); set TMPDIR to a writable directory$/],
  ])('TMPDIR naming %s: one line, exit 11', (_what, dir, message) => {
    const where = dir();
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = where;
    try {
      expect(() => openUnlinkedScript()).toThrow(message);
      expect(() => openUnlinkedScript()).toThrow(expect.objectContaining({ exitCode: ExitCode.badInput }) as unknown as Error);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });

  it('leaves no name on disk, and gives gdb a path of numbers only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-tmpdir-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = dir;
    try {
      const file = openUnlinkedScript();
      file.write('echo hello\n');
      expect(readdirSync(dir)).toEqual([]);
      expect(file.path).toMatch(/^\/proc\/\d+\/fd\/\d+$/);
      expect(readFileSync(file.path, 'utf8')).toBe('echo hello\n');
      file.close();
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });
});

describe('commands that need no temporary directory', () => {
  beforeAll(requireBuilt);
  const env = { TMPDIR: '/nonexistent/tmp' };

  it('parse --json FILE, parse-log --out DIR and diff work under TMPDIR=/nonexistent/tmp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-tmpdir-'));
    expect((await kamheap(['parse', fixture('walk/shm-walk-from5-to20.out'), '--json', join(dir, 'walk.json')], { env })).exitCode).toBe(ExitCode.ok);
    expect((await kamheap(['parse-log', fixture('kamailio/shm-status.txt'), '--out', join(dir, 'dumps')], { env })).exitCode).toBe(ExitCode.ok);
    const diff = await kamheap(['diff', join(dir, 'walk.json'), join(dir, 'walk.json')], { env });
    // A file diffed with itself is warned of (diff-warnings.ts), not refused.
    expect(diff).toMatchObject({ exitCode: ExitCode.ok, stderr: 'kamheap: warning: before and after are the same file: nothing can have changed' });
    expect(readdirSync(dir).sort()).toEqual(['dumps', 'walk.json']);
  });
});
