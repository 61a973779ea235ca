// The npm package as a user gets it: `npm pack` (prepack builds dist/ and the man page) gives a
// tarball holding what kamheap needs at run time, and `npx ./kamheap-X.tgz` installs and runs it
// from an empty directory: --version, and ps of a real Kamailio.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { repoRoot } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

const { version } = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string };
let dir: string;
let tarball: string;
let files: string[];
let kamailio: KamailioInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kamheap-package-'));
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: repoRoot });
  const [info] = JSON.parse(String(packed.stdout)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!info) throw new Error('npm pack printed no tarball');
  tarball = join(dir, info.filename);
  files = info.files.map((f) => f.path);
  kamailio = await startKamailio({ children: 1 });
}, 600_000);

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

it('holds the built code, the GDB scripts, the schema and the man page, and no tests', () => {
  for (const file of ['bin/kamheap.js', 'dist/src/cli/index.js', 'gdb-scripts/walk-fragments.gdb', 'gdb-scripts/kamheap-guard.sh', 'schema/snapshot.schema.json', 'man/kamheap.1', 'README.md']) {
    expect(files).toContain(file);
  }
  expect(files.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('testbed/') || f.endsWith('.ts'))).toEqual([]);
});

it('installs and runs with npx from an empty directory', async () => {
  // As the README says it: a ./ path (npx would run an absolute path as a command, exit 126).
  const npx = (args: string[]) => execa('npx', ['--yes', `./${basename(tarball)}`, ...args], { cwd: dir, reject: false });
  const v = await npx(['--version']);
  expect({ exitCode: v.exitCode, stdout: v.stdout }).toEqual({ exitCode: 0, stdout: version });
  const ps = await npx(['ps', String(kamailio.pid), '--json']);
  expect(ps.exitCode).toBe(0);
  const list = JSON.parse(String(ps.stdout)) as { processes: Array<{ pid: number }> };
  expect(list.processes.map((p) => p.pid)).toEqual((await kamailio.processes()).map((p) => p.pid));
  await expectInstanceHealthy(kamailio);
}, 600_000);
