// Process tables for the unit tests: live captures of a Debian 5.6.3 instance (capture.mjs, with
// the /proc facts of its processes), tables built from each release's struct as its pt.h declares
// it, and a ProcView over recorded facts that logs which PIDs the code under test looked at.
import { readFileSync } from 'node:fs';
import type { ExecutableIdentity, ProcFacts, ProcView } from '../../src/proc/proc-view.js';

export interface RecordedProcess extends ProcFacts {
  ns: string;
  /** dev, ino of /proc/PID/exe as decimal strings; null for a kernel thread. */
  exe: [string, string] | null;
}

export interface TableCapture {
  release: string;
  target: number;
  count: number;
  stride: number;
  bytes: string;
  psx: { index: number; pid: number; description: string }[];
  self: string;
  proc: Record<string, RecordedProcess>;
  launcher?: number;
}

/** A capture of test/fixtures/process-table/. */
export function loadCapture(name: 'kamailio-5.6.3' | 'kamailio-5.6.3-pidns'): TableCapture {
  return JSON.parse(readFileSync(new URL(`../fixtures/process-table/${name}.json`, import.meta.url), 'utf8')) as TableCapture;
}

/** gdb's recorded answers about struct process_table, per binary (capture.mjs). */
export function dwarfAnswers(name: string): Record<string, number | null> {
  const all = JSON.parse(readFileSync(new URL('../fixtures/process-table/dwarf.json', import.meta.url), 'utf8')) as Record<string, Record<string, number | null>>;
  const answers = all[name];
  if (!answers) throw new Error(`dwarf.json has no ${name}`);
  return answers;
}

/** A ProcView over recorded processes; `asked` lists every PID whose facts or executable were read. */
export function recordedView(self: string, processes: Record<string, RecordedProcess>): ProcView & { asked: Set<number> } {
  const asked = new Set<number>();
  const get = (pid: number): RecordedProcess | undefined => processes[String(pid)];
  return {
    asked,
    pids: () => Object.keys(processes).map(Number),
    pidNamespace: (pid) => (pid === 'self' ? self : get(pid)?.ns),
    facts(pid) {
      asked.add(pid);
      const p = get(pid);
      return p && { ppid: p.ppid, nsPids: p.nsPids, state: p.state, startTime: p.startTime };
    },
    executable(pid): ExecutableIdentity | undefined {
      asked.add(pid);
      const exe = get(pid)?.exe;
      return exe ? { dev: BigInt(exe[0]), ino: BigInt(exe[1]) } : undefined;
    },
  };
}

/** A process of the host's PID namespace for recordedView. */
export function hostProcess(ppid: number, exe: [string, string] | null, extra: Partial<RecordedProcess> = {}): RecordedProcess {
  return { ns: 'pid:[4026531836]', ppid, nsPids: [], state: 'S', startTime: 1000, exe, ...extra };
}

/** A member of a C struct as a release's pt.h declares it: a 4-byte int, or `char desc[n]`. */
export type Member = { name: string; int: true } | { name: 'desc'; chars: number };

/** One entry's values; members it does not name are what init_pt() leaves there. */
export interface EntryValues {
  pid: number;
  role: string;
  rank?: number;
}

/**
 * The bytes of `struct process_table pt[n]` on x86-64 as gcc lays it out: ints 4-aligned, the
 * char array packed after them, the size rounded up to the ints' alignment. Written from the
 * member list, not from kamheap's layouts, so that decoding it tests those layouts.
 */
export function buildTable(members: readonly Member[], entries: readonly EntryValues[]): { bytes: Buffer; stride: number } {
  let size = 0;
  const offsets = new Map<string, number>();
  for (const m of members) {
    if ('int' in m) size = Math.ceil(size / 4) * 4;
    offsets.set(m.name, size);
    size += 'int' in m ? 4 : m.chars;
  }
  const stride = Math.ceil(size / 4) * 4;
  const bytes = Buffer.alloc(stride * entries.length);
  entries.forEach((e, i) => {
    const at = i * stride;
    for (const m of members) {
      const offset = at + (offsets.get(m.name) ?? 0);
      // init_pt(): unix_sock and idx -1 in every entry; status 1 once a child is initialized.
      if (m.name === 'pid') bytes.writeInt32LE(e.pid, offset);
      else if (m.name === 'unix_sock' || m.name === 'idx') bytes.writeInt32LE(-1, offset);
      else if (m.name === 'status') bytes.writeInt32LE(1, offset);
      else if (m.name === 'rank') bytes.writeInt32LE(e.rank ?? 0, offset);
      else if (m.name === 'desc') bytes.write(e.role, offset, 'utf8');
    }
  });
  return { bytes, stride };
}
