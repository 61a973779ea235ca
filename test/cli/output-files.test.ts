// --json FILE and --out DIR as an operator (root) uses them: a planted symlink is replaced, never
// followed, and a path that cannot be written is refused before any other work.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { kamheap, requireBuilt } from '../helpers/kamheap-cli.js';

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const walkOut = fixture('walk/shm-walk-from5-to20.out');
const passwdText = 'root:x:0:0:root:/root:/bin/bash\n';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kamheap-outputs-'));
}

/** A file outside the output directory, and a symlink to it planted at `name` inside `dir`. */
function plantLink(dir: string, name: string): string {
  const outside = join(tempDir(), 'passwd');
  writeFileSync(outside, passwdText);
  symlinkSync(outside, join(dir, name));
  return outside;
}

beforeAll(requireBuilt);

describe('--json FILE with a planted symlink', () => {
  it('parse --json replaces the link with the snapshot; the file it pointed to is untouched', async () => {
    const dir = tempDir();
    const outside = plantLink(dir, 'out.json');
    const r = await kamheap(['parse', walkOut, '--json', join(dir, 'out.json')]);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect(readFileSync(outside, 'utf8')).toBe(passwdText);
    expect(lstatSync(join(dir, 'out.json')).isFile()).toBe(true);
    expect((JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as AnySnapshot).schema).toBe('kamheap.snapshot/1');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('parse-log --out replaces a link planted at a snapshot name inside the directory', async () => {
    const dir = tempDir();
    const outside = plantLink(dir, 'pid-3669-shm-1.json');
    const r = await kamheap(['parse-log', fixture('kamailio/shm-status.txt'), '--out', dir]);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect(readFileSync(outside, 'utf8')).toBe(passwdText);
    expect(lstatSync(join(dir, 'pid-3669-shm-1.json')).isFile()).toBe(true);
  });
});

describe('an output that cannot be written is refused first', () => {
  const unwritable = '/sys/kamheap-test.json';

  it.each<[string, string[]]>([
    // The PID does not exist: without the check first, this would end with exit 3.
    ['walk', ['walk', '3999999', '--json', unwritable]],
    ['walk --all', ['walk', '3999999', '--all', '--json', unwritable]],
    // The input does not exist: without the check first, this would be "cannot read".
    ['parse', ['parse', '/nonexistent/walk.out', '--json', unwritable]],
  ])('%s: exit 11, one line naming the output', async (_what, args) => {
    const r = await kamheap(args);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toBe(`kamheap: cannot write ${unwritable}: permission denied (EACCES)`);
    expect(r.stdout).toBe('');
  });

  it.each<[string, string[]]>([
    ['parse-log --out', ['parse-log', '/nonexistent/syslog', '--out']],
    ['watch --out', ['watch', '3999999', '--samples', '2', '--interval', '1', '--out']],
  ])('%s refuses a symlinked directory before reading or walking anything', async (_what, args) => {
    const link = join(tempDir(), 'dumps');
    symlinkSync(tempDir(), link);
    const r = await kamheap([...args, link]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toBe(`kamheap: refusing to write into ${link}: it is a symbolic link; give the real directory`);
  });

  it('walk --json into a directory: one line, before the PID is looked at', async () => {
    const dir = tempDir();
    const r = await kamheap(['walk', '3999999', '--json', dir]);
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: `kamheap: cannot write ${dir}: it is a directory` });
  });
});
