// buildSnapshot from real walk output and from a hand-made bulk walk; every snapshot it builds must
// validate against schema/snapshot.schema.json, and broken ones must not.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import { buildSnapshot } from '../../src/snapshot/build-snapshot.js';
import { fragmentRecord, recordList } from '../../src/snapshot/fragment-list.js';
import { summarize } from '../../src/snapshot/summarize.js';
import { snapshotWithFragments } from '../helpers/snapshot-fragments.js';
import { snapshotSchemaId, type Snapshot } from '../../src/snapshot/snapshot.js';
import type { ResolvedFragment } from '../../src/heap/heap-nouns.js';
import type { WalkOutput } from '../../src/snapshot/walk-output.js';
import { toolVersion } from '../../src/util/version.js';
import { parseScriptOutput } from '../../src/walk/parse-script-output.js';
import { dump, expectedFragments, expectedSites, walkText } from '../walk/walk-fixture.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/snapshot.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const now = new Date('2025-11-24T23:45:00.000Z');
const remove = Symbol('remove');

/** Validation errors as short text, or [] when the value fits the schema. */
function schemaErrors(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** A bulk walk that stopped at a broken fragment, with timings to round. */
function bulkOutput(): WalkOutput {
  const fragments: ResolvedFragment[] = [
    { index: 0, frag: 0x55d0c0a10000n, size: 96n, free: false, module: 'core', file: 'core: core/pt.c', function: 'init_pt', line: 90 },
    { index: 1, frag: 0x55d0c0a100c8n, size: 200n, free: true, module: 'core', file: 'core: core/pt.c', function: 'fragm. from qm_malloc', line: 90 },
  ];
  return {
    walker: 'bulk',
    pid: 4321,
    executable: '/usr/sbin/kamailio',
    layout: qmallocDebugX64,
    rootSymbol: '_pkg_root',
    header: { kind: 'pkg', block: 0x55d0c0a00000n, size: 8388608n, used: 200n, realUsed: 520n, maxRealUsed: 600n, firstFrag: 0x55d0c0a10000n, walkEnd: 0x55d0c1200000n },
    from: 0,
    to: 3,
    summary: summarize(fragments),
    fragmentsWalked: fragments.length,
    fragments: recordList(fragments.map((f) => fragmentRecord(f, f, qmallocDebugX64.fragment.userOffset))),
    findings: [{ kind: 'check-pattern', index: 2, address: 0x55d0c0a101f8n, message: 'start check check=0x0, expected 0xf0f0f0f0' }],
    complete: false,
    consistency: { mode: 'stopped', rereads: 0, unsettled: [] },
    pauseMs: 12.345678,
    attachMs: 1.2344,
    detachMs: 0.8766,
    durationMs: 40.0004,
    memoryReads: 3,
    bytesRead: 3145728,
  };
}

describe('buildSnapshot from a captured script walk', () => {
  const output = parseScriptOutput(walkText('shm-walk-full.out'), '/usr/sbin/kamailio');

  it.each([false, true])('validates against the schema (fragments: %s)', async (includeFragments) => {
    const snapshot = includeFragments ? await snapshotWithFragments(output, { now }) : buildSnapshot(output, { now });
    expect(schemaErrors(snapshot)).toEqual([]);
    expect('fragments' in snapshot).toBe(includeFragments);
  });

  it('carries the heap header, the walk and the sums', () => {
    const s = buildSnapshot(output, { now });
    expect(s).toMatchObject({
      schema: snapshotSchemaId,
      createdAt: '2025-11-24T23:45:00.000Z',
      tool: { name: 'kamheap', version: toolVersion() },
      target: { pid: dump.walkedPid, executable: '/usr/sbin/kamailio' },
      heap: { kind: 'shm', allocator: 'q_malloc', layout: 'q_malloc/dbg/x86_64', layoutSource: 'profile', debugFields: true, block: dump.block, ...dump.heap },
      walk: {
        walker: 'script',
        from: 0,
        to: null,
        fragmentsWalked: dump.fragments.length,
        complete: true,
        pauseMs: null,
        durationMs: null,
        memoryReads: null,
        bytesRead: null,
        consistency: { mode: 'stopped', rereads: 0, unsettled: [] },
      },
      findings: [],
    });
    expect(s.heap.free).toBe(s.heap.size - s.heap.realUsed);
    expect(s.sites).toEqual(expectedSites());
    expect(s.totals.used).toEqual({ count: dump.fragments.filter((f) => !f.free).length, bytes: dump.heap.used });
    expect(s.totals.free).toMatchObject({ count: 2, bytes: dump.heap.free });
    expect(s.totals.fragmentation).toBe(Math.round((1 - s.totals.free.largest / s.totals.free.bytes) * 1e6) / 1e6);
  });

  it('lists fragments as Kamailio prints them: address, frag, size', async () => {
    const s = await snapshotWithFragments(parseScriptOutput(walkText('shm-walk-full.out'), '/usr/sbin/kamailio'), { now });
    const expected = dump.fragments.map((f) => ({ index: f.index, address: f.address, frag: f.frag, size: f.size, used: !f.free, file: f.file, function: f.func, line: f.line }));
    expect(s.fragments).toEqual(expected.map((f, i) => ({ ...f, module: expectedFragments()[i]?.module })));
  });

  it('writes to: 20 for a bounded range', async () => {
    const s = await snapshotWithFragments(parseScriptOutput(walkText('shm-walk-from5-to20.out')), { now });
    expect(s.walk).toMatchObject({ from: 5, to: 20, fragmentsWalked: 15 });
    expect(s.target.executable).toBeNull();
    expect(schemaErrors(s)).toEqual([]);
  });
});

describe('buildSnapshot from a bulk walk with a finding', () => {
  let s: Snapshot;
  beforeAll(async () => {
    s = await snapshotWithFragments(bulkOutput(), { now });
  });

  it('validates against the schema', () => {
    expect(schemaErrors(s)).toEqual([]);
    expect(schemaErrors(buildSnapshot(bulkOutput()))).toEqual([]);
  });

  it('rounds times, keeps read counts and maps findings to hex', () => {
    expect(s.walk).toMatchObject({ walker: 'bulk', to: 3, complete: false, pauseMs: 12.346, attachMs: 1.234, detachMs: 0.877, durationMs: 40, memoryReads: 3, bytesRead: 3145728 });
    expect(s.findings).toEqual([{ kind: 'check-pattern', index: 2, address: '0x55d0c0a101f8', message: 'start check check=0x0, expected 0xf0f0f0f0' }]);
    expect(s.heap).toMatchObject({ kind: 'pkg', block: '0x55d0c0a00000', free: 8388608 - 520 });
    expect(s.fragments?.map((f) => [f.address, f.used])).toEqual([['0x55d0c0a10038', true], ['0x55d0c0a10100', false]]);
    expect(s.totals).toEqual({ used: { count: 1, bytes: 96 }, free: { count: 1, bytes: 200, largest: 200 }, fragmentation: 0 });
  });

  it('stamps the current time when not told otherwise', () => {
    const before = Date.now();
    const stamped = Date.parse(buildSnapshot(bulkOutput()).createdAt);
    expect(stamped).toBeGreaterThanOrEqual(before - 1);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 1);
  });
});

describe('the schema', () => {
  let base: Snapshot;
  beforeAll(async () => {
    base = await snapshotWithFragments(bulkOutput(), { now });
  });

  /** A deep copy of the valid snapshot with the value at a dotted path set (or deleted). */
  function broken(path: string, value: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(base)) as unknown;
    const keys = path.split('.');
    const leaf = keys.pop() ?? '';
    let node = copy as Record<string, unknown>;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    if (value === remove) delete node[leaf];
    else node[leaf] = value;
    return copy;
  }

  it.each<[string, string, unknown]>([
    ['an unknown top-level field', 'extra', 1],
    ['a missing sites list', 'sites', remove],
    ['another schema id', 'schema', 'kamheap.snapshot/2'],
    ['a date that is not a date-time', 'createdAt', 'yesterday'],
    ['a PID of 0', 'target.pid', 0],
    ['an unknown heap kind', 'heap.kind', 'stack'],
    ['an unknown allocator', 'heap.allocator', 'jemalloc'],
    ['a block address without 0x', 'heap.block', '55d0c0a00000'],
    ['an upper-case address', 'fragments.0.frag', '0x55D0C0A10000'],
    ['a fractional heap size', 'heap.size', 1.5],
    ['a negative `to`', 'walk.to', -1],
    ['an unknown walker', 'walk.walker', 'magic'],
    ['a string pauseMs', 'walk.pauseMs', '12'],
    ['a negative attachMs', 'walk.attachMs', -1],
    ['a null detachMs', 'walk.detachMs', null],
    ['fragmentation above 1', 'totals.fragmentation', 1.5],
    ['an unknown field in totals.free', 'totals.free.average', 3],
    ['a site without bytes', 'sites.0.bytes', remove],
    ['a site with count 0', 'sites.0.count', 0],
    ['a negative fragment size', 'fragments.0.size', -8],
    ['a fragment without `used`', 'fragments.0.used', remove],
    ['a fragment with a `free` field', 'fragments.0.free', false],
    ['an unknown finding kind', 'findings.0.kind', 'gremlins'],
    ['a finding without a message', 'findings.0.message', remove],
  ])('rejects %s', (_what, path, value) => {
    expect(schemaErrors(base)).toEqual([]);
    expect(schemaErrors(broken(path, value))).not.toEqual([]);
  });

  it('describes every field and closes every object', () => {
    const missing: string[] = [];
    // Visits every schema object, noting properties without a description and open objects.
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && n.additionalProperties !== false) missing.push(`${path} is open`);
      for (const [name, prop] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof prop.description !== 'string' || prop.description.length < 10) missing.push(`${path}.${name}`);
      }
      for (const [key, child] of Object.entries(n)) visit(child, `${path}/${key}`);
    };
    visit(schema, '#');
    expect(missing).toEqual([]);
    expect(schema.$id).toBe(snapshotSchemaId);
  });

  it('requires exactly the fields the model always writes', () => {
    const s: Snapshot = buildSnapshot(bulkOutput(), { now });
    expect([...(schema.required as string[])].sort()).toEqual(Object.keys(s).sort());
  });
});
