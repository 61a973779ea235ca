// The process table layouts: the profiles against the DWARF of each release's struct and of the
// testbed's builds, the choice by release, and decoding captured and synthetic tables.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import { decodeProcessTable, decodeRole } from '../../src/locate/process-table.js';
import { processTableFromDwarf } from '../../src/locate/process-table-dwarf.js';
import { processTableProfiles, profileForRelease, type ProcessTableLayout } from '../../src/locate/process-table-layouts.js';
import { versionNumbers } from '../../src/locate/kamailio-release.js';
import { buildTable, dwarfAnswers, loadCapture, type Member } from './process-table-fixture.js';

const int = (name: string): Member => ({ name, int: true });
const desc: Member = { name: 'desc', chars: 128 };

/**
 * `struct process_table` as each release's source declares it (kamailio/kamailio):
 * - 4.4 to 5.2: pt.h of the 4.x tree at commit 2266bb9cc206112afe7a07e22f43100e5f94f3ce, and
 *   src/core/pt.h at 260aa34a3d1c9df505f69e0a8c57e49649b5b123 (the 5.x tree before 5.3): pid,
 *   with USE_TCP unix_sock and idx, then desc[MAX_PT_DESC = 128];
 * - 5.3 to 6.0: src/core/pt.h at de185aa675bdf3124eb66f5d2b930a29319bd32e (5.3.0-dev2, as its
 *   src/Makefile.defs says), and src/core/pt.h of the 5.6.3 and 6.0.1 release tarballs
 *   (kamailio_5.6.3.orig.tar.gz, kamailio_6.0.1.orig.tar.gz): status and rank before desc.
 */
const structs: Record<string, Member[]> = {
  'pt/4.4-5.2/tcp': [int('pid'), int('unix_sock'), int('idx'), desc],
  'pt/4.4-5.2/notcp': [int('pid'), desc],
  'pt/5.3-6.0/tcp': [int('pid'), int('unix_sock'), int('idx'), int('status'), int('rank'), desc],
  'pt/5.3-6.0/notcp': [int('pid'), int('status'), int('rank'), desc],
};

const profile = (id: string): ProcessTableLayout => {
  const found = processTableProfiles.find((p) => p.layout.id === id)?.layout;
  if (!found) throw new Error(`no profile ${id}`);
  return found;
};

/** The layout processTableFromDwarf derives from recorded answers. */
function fromAnswers(answers: Record<string, number | null>): Promise<ProcessTableLayout | undefined> {
  return processTableFromDwarf((expression) => {
    if (!(expression in answers)) throw new Error(`no recorded answer to ${expression} (re-run capture.mjs)`);
    return Promise.resolve(answers[expression] ?? undefined);
  });
}

const numbers = ({ size, pid, rank, desc: d, descLength }: ProcessTableLayout): object => ({ size, pid, rank, desc: d, descLength });

describe('profiles', () => {
  it.each([
    ['pt/4.4-5.2/tcp', 'pt-4.4-5.2-tcp'],
    ['pt/4.4-5.2/notcp', 'pt-4.4-5.2-notcp'],
    ['pt/5.3-6.0/tcp', 'pt-5.3-6.0-tcp'],
    ['pt/5.3-6.0/notcp', 'pt-5.3-6.0-notcp'],
  ])('%s is what gdb reads from the DWARF of that struct compiled by gcc (%s)', async (id, fixture) => {
    expect(numbers((await fromAnswers(dwarfAnswers(fixture))) as ProcessTableLayout)).toEqual(numbers(profile(id)));
  });

  it.each(['kamailio-5.6.3-dwarf', 'kamailio-5.6.3-nodebug'])("the testbed's %s build carries the 5.3-6.0 USE_TCP layout in its DWARF", async (fixture) => {
    const layout = await fromAnswers(dwarfAnswers(fixture));
    expect(layout).toMatchObject({ id: 'pt/dwarf', source: 'dwarf' });
    expect(numbers(layout as ProcessTableLayout)).toEqual(numbers(profile('pt/5.3-6.0/tcp')));
  });

  it("Debian's stripped binary has no DWARF for it: the profile is used", async () => {
    expect(await fromAnswers(dwarfAnswers('kamailio-5.6.3-debian'))).toBeUndefined();
  });

  it('refuses a DWARF struct without the members every release has', async () => {
    const answers = { ...dwarfAnswers('pt-5.3-6.0-tcp'), 'sizeof(((struct process_table *)0)->desc)': null };
    await expect(fromAnswers(answers)).rejects.toThrow("this binary's struct process_table has no int pid and char desc[] kamheap can read (sizeof 148)");
  });
});

describe('choosing by release', () => {
  const release = (version: string | undefined, flags: string[] = ['USE_TCP', 'PKG_MALLOC']) => ({ version, numbers: versionNumbers(version), flags });

  it.each([
    ['4.4.7', ['USE_TCP'], 'pt/4.4-5.2/tcp'],
    ['5.0.0', ['USE_TCP'], 'pt/4.4-5.2/tcp'],
    ['5.2.9', ['PKG_MALLOC'], 'pt/4.4-5.2/notcp'],
    ['5.3.0', ['USE_TCP'], 'pt/5.3-6.0/tcp'],
    ['5.6.3', ['USE_TCP', 'DBG_SR_MEMORY'], 'pt/5.3-6.0/tcp'],
    ['5.8.4', ['SHM_MEM'], 'pt/5.3-6.0/notcp'],
    ['6.0.1', ['USE_TCP'], 'pt/5.3-6.0/tcp'],
  ])('kamailio %s %j: %s', (version, flags, id) => {
    expect(profileForRelease(release(version, flags)).id).toBe(id);
  });

  it.each([
    [release('4.3.0'), 'unknown process table layout for kamailio 4.3.0'],
    [release('6.1.0'), 'unknown process table layout for kamailio 6.1.0'],
    [release('7.0.0-dev1'), 'unknown process table layout for kamailio 7.0.0-dev1'],
    [release(undefined), 'unknown process table layout for kamailio of unknown version'],
    [release('5.6.3', []), 'unknown process table layout for kamailio 5.6.3: its compile flags are unknown (USE_TCP changes the table)'],
  ])('refuses %j with one line, exit 13', (r, message) => {
    let error: unknown;
    try {
      profileForRelease(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KamheapError);
    expect({ message: (error as KamheapError).message, exit: (error as KamheapError).exitCode }).toEqual({ message, exit: 13 });
  });
});

describe('decoding', () => {
  it("reads a live 5.6.3 instance's table as core.psx lists it", () => {
    const capture = loadCapture('kamailio-5.6.3');
    const entries = decodeProcessTable({ count: capture.count, bytes: Buffer.from(capture.bytes, 'hex') }, profile('pt/5.3-6.0/tcp'));
    expect(entries.map((e) => ({ index: e.index, pid: e.pid, description: e.role }))).toEqual(capture.psx);
    expect(entries.every((e) => e.roleProblem === undefined)).toBe(true);
    // Kamailio's ranks (sr_module.h): PROC_MAIN 0, the receivers 1 and 2, timers PROC_TIMER -1, ctl PROC_RPC -2.
    expect(entries.map((e) => e.rank)).toEqual([0, 1, 2, -1, -1, -1, -2]);
  });

  const rows = [
    { pid: 100, role: 'main process - attendant', rank: 0 },
    { pid: 101, role: 'udp receiver child=0 sock=127.0.0.1:5060', rank: 1 },
    { pid: 102, role: 'udp receiver child=1 sock=127.0.0.1:5060', rank: 2 },
  ];

  it.each(Object.keys(structs))('reads a %s table built from its struct', (id) => {
    const { bytes, stride } = buildTable(structs[id] ?? [], rows);
    const layout = profile(id);
    expect(stride).toBe(layout.size);
    expect(decodeProcessTable({ count: rows.length, bytes }, layout)).toEqual(rows.map((r, index) => ({ index, pid: r.pid, rank: layout.rank === undefined ? null : r.rank, role: r.role })));
  });

  it('a 4.4-5.2 table read with the 5.3+ layout gives the garbage of issue 9 (PIDs -1, 1701012850; "cess - attendant")', () => {
    const { bytes } = buildTable(structs['pt/4.4-5.2/tcp'] ?? [], rows);
    const misread = decodeProcessTable({ count: 3, bytes: Buffer.concat([bytes, Buffer.alloc(64)]) }, profile('pt/5.3-6.0/tcp'));
    expect(misread.map((e) => [e.pid, e.role])).toEqual([
      [100, 'cess - attendant'],
      [-1, 'ld=0 sock=127.0.0.1:5060'],
      [1701012850, 'k=127.0.0.1:5060'],
    ]);
  });

  it('a 5.3+ table read with the 4.4-5.2 layout has a role that is not text', () => {
    const { bytes } = buildTable(structs['pt/5.3-6.0/tcp'] ?? [], rows);
    expect(decodeProcessTable({ count: 3, bytes }, profile('pt/4.4-5.2/tcp'))[0]?.roleProblem).toBe('role has control byte 0x01 at offset 0');
  });

  it('a table cut short is refused', () => {
    expect(() => decodeProcessTable({ count: 2, bytes: Buffer.alloc(148) }, profile('pt/5.3-6.0/tcp'))).toThrow('process table cut short: 148 bytes for 2 entries of 148');
  });
});

describe('roles', () => {
  const desc128 = (bytes: number[] | string): Buffer => {
    const b = Buffer.alloc(128);
    if (typeof bytes === 'string') b.write(bytes, 'utf8');
    else Buffer.from(bytes).copy(b);
    return b;
  };
  it.each([
    ['text', desc128('udp receiver child=0 sock=127.0.0.1:5060'), undefined],
    ['UTF-8 text', desc128('rtimer Zähler'), undefined],
    ['127 bytes and a NUL', desc128('x'.repeat(127)), undefined],
    ['empty', desc128(''), 'role is empty'],
    ['no NUL', Buffer.alloc(128, 0x41), 'role is not NUL-terminated within its 128 bytes'],
    ['a control byte', desc128([0x74, 0x69, 0x1b, 0x5b]), 'role has control byte 0x1b at offset 2'],
    ['DEL', desc128([0x61, 0x7f]), 'role has control byte 0x7f at offset 1'],
    ['bytes that are not UTF-8', desc128([0x61, 0xff, 0xfe]), 'role is not UTF-8 text'],
  ])('%s', (_name, bytes, problem) => {
    expect(decodeRole(bytes).problem).toBe(problem);
  });
});
