// The snapshot text: JSON with the fragments copied in piece by piece (one compact record per line)
// parses to the snapshot with its fragments; NDJSON is the snapshot on line 1 and a record per line.
import { describe, expect, it } from 'vitest';
import { snapshotText } from '../../src/export/write-json.js';
import { FragmentSpool, fragmentRecord, recordList } from '../../src/snapshot/fragment-list.js';
import { StringTable } from '../../src/memory/read-strings.js';
import { buildSnapshot } from '../../src/snapshot/build-snapshot.js';
import type { FragmentRecord } from '../../src/snapshot/snapshot.js';
import { parseScriptOutput } from '../../src/walk/parse-script-output.js';
import { walkText } from '../walk/walk-fixture.js';

async function text(pieces: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const piece of pieces) out += piece;
  return out;
}

const output = parseScriptOutput(walkText('shm-walk-full.out'), '/usr/sbin/kamailio');
const snapshot = buildSnapshot(output, { now: new Date('2026-12-01T00:00:00Z') });
const records = output.resolved.map((f) => fragmentRecord(f, f, output.layout.fragment.userOffset));

describe('snapshotText', () => {
  it('json: the indented snapshot with its fragments last, one record per line', async () => {
    const written = await text(snapshotText(snapshot, recordList(records), 'json'));
    expect(JSON.parse(written)).toEqual({ ...snapshot, fragments: records });
    const lines = written.split('\n');
    expect(lines.filter((l) => l.startsWith('    {"index":'))).toHaveLength(records.length);
    expect(written.endsWith('\n  ]\n}\n')).toBe(true);
  });

  it('json without fragments is the indented snapshot, as before', async () => {
    expect(await text(snapshotText(snapshot, undefined, 'json'))).toBe(`${JSON.stringify(snapshot, null, 2)}\n`);
  });

  it('json with an empty fragment list is valid JSON', async () => {
    expect(JSON.parse(await text(snapshotText(snapshot, recordList([]), 'json')))).toEqual({ ...snapshot, fragments: [] });
  });

  it('ndjson: the snapshot without fragments on line 1, then one record per line', async () => {
    const lines = (await text(snapshotText({ ...snapshot, fragments: records }, undefined, 'ndjson'))).split('\n');
    expect(lines.pop()).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toEqual(snapshot);
    expect(lines.slice(1).map((l) => JSON.parse(l) as FragmentRecord)).toEqual(records);
  });
});

describe('FragmentSpool', () => {
  it('spools the fragments as records and reads them back in pieces of whole lines', async () => {
    const memory = { read: (): Buffer => Buffer.from('core: x.c\0'), close: () => undefined };
    const spool = FragmentSpool.open();
    const visit = spool.visitor(new StringTable(memory), 40);
    const count = 30_000;
    for (let i = 0; i < count; i++) await visit({ index: i, frag: 0x7f0000000000 + i * 64, size: 24, free: i % 2 === 1, filePtr: 0x1000, funcPtr: 0x2000, mnamePtr: 0x3000, line: i });
    const pieces: string[] = [];
    for await (const piece of spool.lines()) pieces.push(piece);
    spool.dispose();
    expect(spool.count).toBe(count);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
    const back = pieces.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as FragmentRecord);
    expect(back).toHaveLength(count);
    expect(back[7]).toEqual({ index: 7, address: `0x${(0x7f0000000000 + 7 * 64 + 40).toString(16)}`, frag: `0x${(0x7f0000000000 + 7 * 64).toString(16)}`, size: 24, used: false, module: 'core: x.c', file: 'core: x.c', function: 'core: x.c', line: 7 });
  });
});
