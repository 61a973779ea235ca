// The checks every process table passes before anything is printed or walked, and the mapping of
// a PID namespace's PIDs to the host's, on live captures (capture.mjs) and synthetic tables.
import { describe, expect, it } from 'vitest';
import { ProcessTableError } from '../../src/errors.js';
import { checkProcessTable } from '../../src/locate/check-process-table.js';
import { decodeProcessTable, type ProcessTableEntry } from '../../src/locate/process-table.js';
import { processTableProfiles, type ProcessTableLayout } from '../../src/locate/process-table-layouts.js';
import { buildTable, hostProcess, loadCapture, recordedView, type RecordedProcess, type TableCapture } from './process-table-fixture.js';

const profile = (id: string): ProcessTableLayout => {
  const found = processTableProfiles.find((p) => p.layout.id === id)?.layout;
  if (!found) throw new Error(`no profile ${id}`);
  return found;
};
const tcp53 = profile('pt/5.3-6.0/tcp');

/** The capture's entries, decoded with the layout of the release it came from. */
function entriesOf(capture: TableCapture, patch?: (bytes: Buffer) => void): ProcessTableEntry[] {
  const bytes = Buffer.from(capture.bytes, 'hex');
  patch?.(bytes);
  return decodeProcessTable({ count: capture.count, bytes }, tcp53);
}

/** The message of the error `run` throws (a ProcessTableError, exit 13). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProcessTableError);
    expect((error as ProcessTableError).exitCode).toBe(13);
    return (error as Error).message;
  }
  throw new Error('not refused');
}

describe('a table of the host PID namespace', () => {
  const capture = loadCapture('kamailio-5.6.3');
  const main = capture.target;
  // The capture's own PIDs: entry 3 and 4 (slow timer, timer), the last one, main's parent.
  const [third, fourth, last] = [3, 4, capture.count - 1].map((i) => capture.psx[i]?.pid ?? 0) as [number, number, number];
  const recorded = (pid: number): RecordedProcess => {
    const p = capture.proc[String(pid)];
    if (!p) throw new Error(`no recorded ${pid}`);
    return p;
  };
  const outsider = recorded(main).ppid;
  const view = (changes: Record<string, RecordedProcess | undefined> = {}) => {
    const proc: Record<string, RecordedProcess> = { ...capture.proc, [outsider]: hostProcess(1, ['65024', '1']), '1': hostProcess(0, ['65024', '2']) };
    for (const [pid, p] of Object.entries(changes)) {
      if (p) proc[pid] = p;
      else delete proc[pid];
    }
    return recordedView(capture.self, proc);
  };
  const refused = (message: string): string => `process table of PID ${main} refused (layout pt/5.3-6.0/tcp): ${message}`;

  it.each([main, last])('passes as core.psx lists it, through PID %i', (target) => {
    const checked = checkProcessTable(entriesOf(capture), target, view(), tcp53.id);
    expect(checked.map((p) => ({ index: p.index, pid: p.pid, description: p.role }))).toEqual(capture.psx);
    expect(checked.every((p) => p.nsPid === undefined)).toBe(true);
    expect(checked[4]?.startTime).toBe(recorded(fourth).startTime);
  });

  it.each([
    ['a process that is gone', undefined, `no process with PID ${fourth}`],
    ['a zombie', { state: 'Z' }, `no process with PID ${fourth}`],
    ['another executable', { exe: ['65024', '4242'] as [string, string] }, `PID ${fourth} does not run PID ${main}'s executable`],
    ['a kernel thread', { exe: null }, `PID ${fourth} does not run PID ${main}'s executable`],
    ['a process outside the main process tree', { ppid: outsider }, `PID ${fourth} is not a child of the main process (PID ${main})`],
    ['a parent chain that loops', { ppid: fourth }, `PID ${fourth} is not a child of the main process (PID ${main})`],
  ])('refuses %s, naming the first bad entry', (_name, change, reason) => {
    const changes = { [fourth]: change && { ...recorded(fourth), ...change } };
    expect(refusal(() => checkProcessTable(entriesOf(capture), main, view(changes), tcp53.id))).toBe(refused(`entry 4 (PID ${fourth} as recorded): ${reason}`));
  });

  it('refuses a PID recorded twice', () => {
    const entries = entriesOf(capture, (b) => b.writeInt32LE(fourth, 5 * capture.stride));
    expect(refusal(() => checkProcessTable(entries, main, view(), tcp53.id))).toBe(refused(`entry 5 (PID ${fourth} as recorded): PID ${fourth} is also entry 4`));
  });

  it('refuses a role that is not text', () => {
    const entries = entriesOf(capture, (b) => b.writeUInt8(7, 3 * capture.stride + tcp53.desc + 2));
    expect(refusal(() => checkProcessTable(entries, main, view(), tcp53.id))).toBe(refused(`entry 3 (PID ${third} as recorded): role has control byte 0x07 at offset 2`));
  });

  it('refuses a table that does not hold the process it was read through', () => {
    const stranger = { ...recorded(fourth), startTime: 5 };
    expect(refusal(() => checkProcessTable(entriesOf(capture), 6000, view({ '6000': stranger }), tcp53.id))).toBe(
      'process table of PID 6000 refused (layout pt/5.3-6.0/tcp): the table: PID 6000 is not in the process table it holds',
    );
  });
});

describe('a table read with the layout of another release', () => {
  const rows = [
    { pid: 100, role: 'main process - attendant', rank: 0 },
    { pid: 101, role: 'udp receiver child=0 sock=127.0.0.1:5060', rank: 1 },
    { pid: 102, role: 'udp receiver child=1 sock=127.0.0.1:5060', rank: 2 },
  ];
  const kamailio: [string, string] = ['8', '1234'];
  const view = () => recordedView('pid:[4026531836]', { '100': hostProcess(1, kamailio), '101': hostProcess(100, kamailio), '102': hostProcess(100, kamailio), '1': hostProcess(0, ['8', '1']) });
  const int = (name: string) => ({ name, int: true as const });
  const desc = { name: 'desc' as const, chars: 128 };

  it('4.4-5.2 (pt.h at 2266bb9c: pid, unix_sock, idx, desc) read as 5.3+ is refused, not printed', () => {
    const { bytes } = buildTable([int('pid'), int('unix_sock'), int('idx'), desc], rows);
    const entries = decodeProcessTable({ count: 3, bytes: Buffer.concat([bytes, Buffer.alloc(64)]) }, tcp53);
    expect(refusal(() => checkProcessTable(entries, 100, view(), tcp53.id))).toBe('process table of PID 100 refused (layout pt/5.3-6.0/tcp): entry 1 (PID -1 as recorded): -1 is not a PID');
  });

  it('4.4-5.2 without USE_TCP (pid, desc) read as 5.3+ is refused, not printed', () => {
    const { bytes } = buildTable([int('pid'), desc], rows);
    const entries = decodeProcessTable({ count: 3, bytes: Buffer.concat([bytes, Buffer.alloc(64)]) }, tcp53);
    expect(refusal(() => checkProcessTable(entries, 100, view(), tcp53.id))).toBe('process table of PID 100 refused (layout pt/5.3-6.0/tcp): entry 1 (PID 1768448800 as recorded): no process with PID 1768448800');
  });

  it('each layout passes on its own table', () => {
    const { bytes } = buildTable([int('pid'), int('unix_sock'), int('idx'), desc], rows);
    const layout = profile('pt/4.4-5.2/tcp');
    expect(checkProcessTable(decodeProcessTable({ count: 3, bytes }, layout), 101, view(), layout.id).map((p) => [p.pid, p.rank, p.role])).toEqual(rows.map((r) => [r.pid, null, r.role]));
  });
});

describe('a table of an instance in its own PID namespace', () => {
  const capture = loadCapture('kamailio-5.6.3-pidns');
  const main = capture.target;
  // What the host has under the namespace's PIDs: unrelated processes (1 is the host's init).
  const decoys = Object.fromEntries(capture.psx.map(({ pid }) => [String(pid), hostProcess(0, ['65024', String(900 + pid)])]));
  const nsPidAt = (index: number): number => capture.psx[index]?.pid ?? 0;
  const inside = Object.entries(capture.proc).filter(([, p]) => p.nsPids.length > 1);

  it('maps every entry to the host PID whose NSpid ends in it, and never looks at the host processes of those numbers', () => {
    const view = recordedView(capture.self, { ...capture.proc, ...decoys });
    const checked = checkProcessTable(entriesOf(capture), main, view, tcp53.id);
    expect(checked.map((p) => ({ index: p.index, nsPid: p.nsPid, description: p.role }))).toEqual(capture.psx.map((p) => ({ index: p.index, nsPid: p.pid, description: p.description })));
    expect(checked.map((p) => [p.pid, p.nsPid])).toEqual(inside.map(([pid, p]) => [Number(pid), p.nsPids.at(-1)]).sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0)));
    expect([...view.asked].filter((pid) => pid in decoys)).toEqual([]);
  });

  it('through any process of the instance', () => {
    const [worker] = inside.filter(([, p]) => p.nsPids.at(-1) === nsPidAt(5));
    const checked = checkProcessTable(entriesOf(capture), Number(worker?.[0]), recordedView(capture.self, { ...capture.proc, ...decoys }), tcp53.id);
    expect(checked.find((p) => p.nsPid === nsPidAt(5))?.pid).toBe(Number(worker?.[0]));
  });

  it('takes no process of another namespace that has the same PID there', () => {
    const other = { '9000': { ...hostProcess(1, capture.proc[String(main)]?.exe ?? null), ns: 'pid:[4026599999]', nsPids: [9000, nsPidAt(2)] } };
    const view = recordedView(capture.self, { ...capture.proc, ...decoys, ...other });
    const checked = checkProcessTable(entriesOf(capture), main, view, tcp53.id);
    expect(checked.find((p) => p.nsPid === nsPidAt(2))?.pid).not.toBe(9000);
    expect(view.asked.has(9000)).toBe(false);
  });

  it('refuses an entry no process of the namespace has', () => {
    const [gone] = inside.filter(([, p]) => p.nsPids.at(-1) === nsPidAt(4));
    const proc = { ...capture.proc, ...decoys };
    delete proc[gone?.[0] ?? ''];
    expect(refusal(() => checkProcessTable(entriesOf(capture), main, recordedView(capture.self, proc), tcp53.id))).toBe(
      `process table of PID ${main} refused (layout pt/5.3-6.0/tcp): entry 4 (PID ${nsPidAt(4)} as recorded): no process has PID ${nsPidAt(4)} in the instance's PID namespace`,
    );
  });

  it('refuses when /proc shows no NSpid (Linux before 4.1)', () => {
    const proc = Object.fromEntries(Object.entries({ ...capture.proc, ...decoys }).map(([pid, p]) => [pid, { ...p, nsPids: [] }]));
    const target = capture.proc[String(main)]?.ns ?? '';
    expect(() => checkProcessTable(entriesOf(capture), main, recordedView(capture.self, proc), tcp53.id)).toThrow(
      `PID ${main} is in another PID namespace (${target}) and /proc shows no NSpid for it (Linux 4.1 or later needed)`,
    );
  });

  it('read as if the PIDs were the host\'s (the old way), the table would name the decoys: the mapping is what prevents it', () => {
    // The same bytes, with kamheap taken to share the instance's namespace: entry 0 is host PID 1.
    const view = recordedView(capture.self, { ...capture.proc, ...decoys });
    const sameNamespace = { ...view, pidNamespace: (pid: number | 'self') => (pid === 'self' ? capture.proc[String(main)]?.ns : view.pidNamespace(pid)) };
    expect(refusal(() => checkProcessTable(entriesOf(capture), main, sameNamespace, tcp53.id))).toBe(
      `process table of PID ${main} refused (layout pt/5.3-6.0/tcp): entry 0 (PID ${nsPidAt(0)} as recorded): PID ${nsPidAt(0)} does not run PID ${main}'s executable`,
    );
  });
});
