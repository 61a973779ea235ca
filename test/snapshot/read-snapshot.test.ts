// Snapshots validated at the door against schema/snapshot.schema.json: whatever a file holds, diff
// either reads a snapshot the schema accepts or says in one line which field is wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, KamheapError } from '../../src/errors.js';
import { logDumpSnapshot } from '../../src/kamailio-log/dump-snapshot.js';
import { readLogDumps } from '../../src/kamailio-log/read-log.js';
import { snapshotWithFragments } from '../helpers/snapshot-fragments.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';
import { snapshotProblem } from '../../src/snapshot/validate-snapshot.js';
import { parseScriptOutput } from '../../src/walk/parse-script-output.js';
import { kamheap, requireBuilt } from '../helpers/kamheap-cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const before = join(fixtures, 'snapshots', 'shm-before.json');
type Json = Record<string, unknown>;

/** The before fixture, changed by `edit`, in a fresh file. */
function edited(edit: (s: Json) => void): string {
  const snapshot = JSON.parse(readFileSync(before, 'utf8')) as Json;
  edit(snapshot);
  return tempFile(JSON.stringify(snapshot));
}

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-read-snapshot-')), 'snapshot.json');
  writeFileSync(file, text);
  return file;
}

/** `path` (dot-separated, numbers index arrays) inside `root`. */
function at(root: Json, path: string): Json {
  return path.split('.').reduce<Json>((node, key) => node[key] as Json, root);
}

describe('readSnapshot', () => {
  it.each<[string, (s: Json) => void, string]>([
    ['no walk', (s) => delete s['walk'], '/walk is missing'],
    ['a negative count', (s) => (at(s, 'totals.used')['count'] = -5), '/totals/used/count must be >= 0'],
    ['a site count of 0', (s) => (at(s, 'sites.3')['count'] = 0), '/sites/3/count must be >= 1'],
    ['a size of 1e308', (s) => (at(s, 'heap')['size'] = 1e308), '/heap/size must be <= 9007199254740991'],
    ['a fractional byte count', (s) => (at(s, 'sites.0')['bytes'] = 1.5), '/sites/0/bytes must be integer'],
    ['a PID of 0', (s) => (at(s, 'target')['pid'] = 0), '/target/pid must be >= 1'],
    ['createdAt "not a date"', (s) => (s['createdAt'] = 'not a date'), '/createdAt must match format "date-time"'],
    ['a file name of 5000 characters', (s) => (at(s, 'sites.1')['file'] = 'x'.repeat(5000)), '/sites/1/file must NOT have more than 4096 characters'],
    ['a field the schema does not know', (s) => (s['extra'] = true), '/extra is not a field of a snapshot'],
    ['an unknown heap kind', (s) => (at(s, 'heap')['kind'] = 'stack'), '/heap/kind must be one of "pkg", "shm"'],
    ['another kind of kamheap file', (s) => (s['schema'] = 'kamheap.diff/1'), 'its schema is "kamheap.diff/1"'],
  ])('refuses %s, naming the first failing field', async (_what, edit, problem) => {
    const file = edited(edit);
    const error = await readSnapshot(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KamheapError);
    expect(error).toMatchObject({ kind: 'bad-input', message: `${file} is not a kamheap.snapshot/1 snapshot: ${problem}` });
  });

  it.each<[string, string, string]>([
    ['an array', '[1, 2]', '/ must be object'],
    ['a number', '42', '/ must be object'],
  ])('refuses %s as a whole', async (_what, text, problem) => {
    const file = tempFile(text);
    await expect(readSnapshot(file)).rejects.toMatchObject({ message: `${file} is not a kamheap.snapshot/1 snapshot: ${problem}` });
  });

  it('reads an NDJSON snapshot by its first line, however many fragment lines follow, and validates it', async () => {
    const snapshot = JSON.parse(readFileSync(before, 'utf8')) as Json;
    const fragmentLine = `${JSON.stringify({ index: 0, address: '0x10', frag: '0x0', size: 16, used: true, module: '', file: '', function: '', line: 0 })}\n`;
    const file = tempFile(`${JSON.stringify(snapshot)}\n${fragmentLine.repeat(50_000)}`);
    expect(await readSnapshot(file)).toEqual(snapshot);
    const damaged = tempFile(`${JSON.stringify({ ...snapshot, walk: undefined })}\n${fragmentLine}`);
    await expect(readSnapshot(damaged)).rejects.toMatchObject({ message: `${damaged} is not a kamheap.snapshot/1 snapshot: /walk is missing` });
  });

  it('refuses a file larger than 512 MiB without reading it', async () => {
    const file = tempFile('');
    // Sparse: no disk space taken, and removed again.
    truncateSync(file, (512 << 20) + 1);
    try {
      await expect(readSnapshot(file)).rejects.toMatchObject({ kind: 'bad-input', message: `${file} is larger than 512 MiB: not a kamheap.snapshot/1 snapshot` });
    } finally {
      rmSync(file);
    }
  });
});

describe('the schema accepts every snapshot kamheap writes', () => {
  const snapshotFiles = [
    ...readdirSync(join(fixtures, 'snapshots')).filter((n) => n.endsWith('.json')),
    ...readdirSync(join(fixtures, 'snapshots', 'identity')).filter((n) => n.endsWith('.json') && n !== 'facts.json').map((n) => `identity/${n}`),
  ];
  it.each(snapshotFiles)('snapshots/%s', (name) => {
    expect(snapshotProblem(JSON.parse(readFileSync(join(fixtures, 'snapshots', name), 'utf8')))).toBeUndefined();
  });

  it.each(readdirSync(join(fixtures, 'walk')).filter((n) => n.endsWith('.out')))('parse of walk/%s, with fragments', async (name) => {
    const output = parseScriptOutput(readFileSync(join(fixtures, 'walk', name), 'utf8'), '/usr/sbin/kamailio');
    expect(snapshotProblem(JSON.parse(JSON.stringify(await snapshotWithFragments(output))))).toBeUndefined();
  });

  it.each([...readdirSync(join(fixtures, 'kamailio-log')).filter((n) => n.endsWith('.txt')).map((n) => `kamailio-log/${n}`), ...readdirSync(join(fixtures, 'kamailio')).filter((n) => n.endsWith('.txt')).map((n) => `kamailio/${n}`)])(
    'parse-log of %s, with fragments',
    async (name) => {
      const { dumps, source } = await readLogDumps(join(fixtures, name));
      for (const dump of dumps) {
        const snapshot = logDumpSnapshot(dump, source, { includeFragments: true });
        expect(snapshotProblem(JSON.parse(JSON.stringify(snapshot)))).toBeUndefined();
      }
    },
  );
});

describe('kamheap diff on damaged snapshots', () => {
  beforeAll(requireBuilt);

  it('a snapshot without walk: one line, exit 11 (was an internal error)', async () => {
    const file = edited((s) => delete s['walk']);
    const r = await kamheap(['diff', file, before]);
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stdout: '', stderr: `kamheap: ${file} is not a kamheap.snapshot/1 snapshot: /walk is missing` });
  });

  it.each<[string, (s: Json) => void]>([
    ['negative counts', (s) => (at(s, 'sites.0')['count'] = -3)],
    ['1e308 sizes', (s) => (at(s, 'sites.0')['bytes'] = 1e308)],
    ['createdAt "not a date"', (s) => (s['createdAt'] = 'not a date')],
  ])('%s are refused, not printed', async (_what, edit) => {
    const r = await kamheap(['diff', before, edited(edit)]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
});
