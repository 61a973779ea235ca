// `kamheap ps <pid>`: every process of the instance, with its role from Kamailio's own process
// table and its pkg heap totals. Nothing is stopped: only memory reads of running processes.
import { Command } from 'commander';
import { KamheapError } from '../errors.js';
import { renderProcessList } from '../export/process-list.js';
import { chooseLayout } from '../locate/choose-layout.js';
import { heapRootAt, readHeapHeader } from '../locate/locate-heap.js';
import { inspectProcess } from '../locate/process.js';
import { readProcessTable, type KamailioProcessEntry } from '../locate/process-table.js';
import { resolveSymbols } from '../locate/static-symbols.js';
import { openProcMem } from '../memory/proc-mem.js';
import { parsePid } from './options.js';

export interface PkgTotals {
  allocator: string;
  size: number;
  used: number;
  realUsed: number;
  free: number;
}

export interface ProcessRow extends KamailioProcessEntry {
  /** Null when that process's heap could not be read (it exited, or no layout for its allocator). */
  pkg: PkgTotals | null;
  pkgError?: string;
}

export interface ProcessList {
  schema: 'kamheap.ps/1';
  pid: number;
  processes: ProcessRow[];
}

/** Builds the command. */
export function psCommand(): Command {
  return new Command('ps')
    .description("list the processes of the Kamailio instance PID belongs to, with roles and pkg usage (nothing is stopped)")
    .argument('<pid>', 'any process of the instance')
    .option('--json', 'print the list as JSON (schema kamheap.ps/1)')
    .option('--gdb <path>', 'gdb executable to use (only to read symbol addresses)', 'gdb')
    .action(async (pidText: string, raw: { json?: boolean; gdb?: string }) => {
      const list = await collectProcesses(parsePid(pidText), raw.gdb);
      process.stdout.write(raw.json ? `${JSON.stringify(list, null, 2)}\n` : renderProcessList(list));
    });
}

/** Reads the process table and each process's pkg totals. */
export async function collectProcesses(pid: number, gdbPath?: string): Promise<ProcessList> {
  inspectProcess(pid);
  const symbols = await resolveSymbols(pid, ['pt', 'process_count', '_pkg_root'], gdbPath === undefined ? {} : { gdbPath });
  const memory = openProcMem(pid);
  let entries: KamailioProcessEntry[];
  try {
    entries = await readProcessTable(memory, symbols.pt, symbols.process_count);
  } finally {
    memory.close();
  }
  const processes: ProcessRow[] = [];
  for (const entry of entries) processes.push(await withPkgTotals(entry, symbols._pkg_root));
  return { schema: 'kamheap.ps/1', pid, processes };
}

/** Adds one process's pkg totals, read from its own memory (children share the parent's layout). */
async function withPkgTotals(entry: KamailioProcessEntry, pkgRoot: bigint): Promise<ProcessRow> {
  let memory;
  try {
    memory = openProcMem(entry.pid);
    const root = await heapRootAt(memory, 'pkg', entry.pid, pkgRoot);
    const header = await readHeapHeader(memory, root, chooseLayout({}, root.allocator));
    const size = Number(header.size);
    const pkg = { allocator: root.allocator, size, used: Number(header.used), realUsed: Number(header.realUsed), free: size - Number(header.realUsed) };
    return { ...entry, pkg };
  } catch (error) {
    return { ...entry, pkg: null, pkgError: error instanceof KamheapError ? error.message : String(error) };
  } finally {
    memory?.close();
  }
}
