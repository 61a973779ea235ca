// `kamheap inspect <pid> --site TEXT`: what the fragments of one allocation site hold, sampled
// across the heap; TEXT is the site string any view prints, or a part of it only one site has. The bytes are the ones captured while the target was stopped.
import { Command } from 'commander';
import { KamheapError } from '../errors.js';
import { hexDump, printableStrings } from '../export/hex-dump.js';
import { printable } from '../export/printable.js';
import type { MemorySlice } from '../heap/walk-fragments.js';
import { userAddress } from '../heap/layout.js';
import type { RawFragment } from '../heap/fragment.js';
import type { HeapChunks } from '../memory/heap-capture.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { RunControl } from '../run-control.js';
import { hex } from '../util/hex.js';
import type { WalkOutput } from '../snapshot/walk-output.js';
import { bulkWalk, type FragmentLook } from '../walk/bulk-walker.js';
import { runControlled } from './run-controlled.js';
import { defaultMaxPause, maxPauseHelp, parseCount, parseHeapKind, parseMaxPause, parsePid, parseTimeout, stopHelp } from './options.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';
import { jsonDocument } from '../export/write-data.js';
import { checkOutputFile } from '../export/output-file.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';
import { siteTableLines, type TextView } from '../export/site-table.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { SiteSelector, type SiteCandidate } from '../snapshot/site-selector.js';
import { siteSelected, siteView, type ViewQuery } from '../snapshot/site-view.js';
import { siteText } from '../snapshot/site-tally.js';
import type { WalkRequest } from '../walk/walk-request.js';

export interface InspectedFragment {
  index: number;
  address: string;
  size: number;
  /** The first bytes of the fragment's user area, hex. */
  bytes: string;
  strings: string[];
}

export interface Inspection {
  schema: 'kamheap.inspect/1';
  pid: number;
  kind: string;
  site: string;
  matching: number;
  fragments: InspectedFragment[];
}

interface RawInspectOptions extends Omit<RawViewOptions, 'by' | 'bytes'>, RawOutputOptions {
  heap: string;
  site: string;
  sample: string;
  size?: string;
  /** The old name of --size (it clashed with the views' --bytes). */
  bytes?: string;
  stop?: boolean;
  timeout?: string;
  maxPause: string;
  gdb?: string;
}

/** Builds the command. */
export function inspectCommand(): Command {
  const command = new Command('inspect')
    .description('hex dump of the fragments of one allocation site, sampled across the heap')
    .argument('<pid>', 'Kamailio process ID')
    .requiredOption('--site <text>', 'the site string as the views print it, e.g. "htable: ht_api.c: ht_cell_new(186)", or a part of it (function, file or module) that only one site has')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--sample <n>', 'fragments to show, spread evenly over the matching ones', '5')
    .option('--size <b>', 'bytes to show per fragment (at most its size)', '256')
    .option('--bytes <b>', 'old name of --size (deprecated)')
    .option('--stop', stopHelp)
    .option('--timeout <seconds>', 'give up after this long; the target is detached and left running')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--gdb <path>', 'gdb executable to use', 'gdb');
  return addOutputOptions(addViewOptions(command, { top: '20', bytes: false, by: false }), textOrJson, 'flag').action(async (pidText: string, raw: RawInspectOptions) => {
    const view = parseViewOptions({ ...raw, by: 'site', bytes: false });
    const output = parseOutputOptions(raw, textOrJson, 'flag');
    await checkOutputFile(output.target);
    await runControlled(parseTimeout(raw.timeout), async (control) => {
      const inspection = await collectInspection(pidText, raw, control, view);
      control.throwIfStopped();
      await writeChosenOutput(output, { text: () => renderInspection(inspection), json: () => jsonDocument(inspection) });
    });
  });
}

/** The bytes shown per fragment: --size, or its old name --bytes with a note on stderr. */
function sizeLimit(raw: Pick<RawInspectOptions, 'size' | 'bytes'>): number {
  if (raw.bytes === undefined) return parseCount(raw.size ?? '256', '--size');
  process.stderr.write('kamheap: inspect --bytes B is now --size B (--bytes is the views\' raw sizes switch); --bytes B still works for now\n');
  return parseCount(raw.bytes, '--bytes');
}

/** Walks, picks the site's used fragments, and reads the sampled ones' first bytes. */
export async function collectInspection(pidText: string, raw: RawInspectOptions, control: RunControl, view: TextView): Promise<Inspection> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const text = raw.site.trim();
  if (text === '') throw new KamheapError('usage', '--site needs a site string or a part of one');
  const sample = Math.max(1, parseCount(raw.sample, '--sample'));
  const limit = sizeLimit(raw);
  const maxPauseMs = parseMaxPause(raw.maxPause);
  const request = { pid, kind, range: { from: 0, to: undefined }, control, maxPauseMs, stop: raw.stop === true, ...(raw.gdb ? { gdbPath: raw.gdb } : {}) };
  const picked: InspectedFragment[] = [];
  let chosen: SiteCandidate<RawFragment>[] = [];
  let used = { bytes: 0, overhead: null as number | null };
  const selector = new SiteSelector<RawFragment>(text);
  const look = selectingLook(selector, view.query, async (chunks, memory, output) => {
    chosen = selector.resolve();
    used = { bytes: output.summary.used.bytes, overhead: output.layout.fragment.overhead ?? null };
    const [only] = chosen;
    if (only && chosen.length === 1) for (const f of spread(only.fragments, sample)) picked.push(await inspectFragment(f, output, chunks, memory, limit));
  });
  await bulkWalk(request, { look });
  const [only] = chosen;
  if (only && chosen.length === 1) return { schema: 'kamheap.inspect/1', pid, kind, site: only.text, matching: only.count, fragments: picked };
  if (chosen.length > 1) {
    const sites = chosen.map((c) => ({ ...c.site, count: c.count, bytes: c.bytes }));
    const listing = siteTableLines(siteView(sites, used.bytes, used.overhead, view.query), view);
    process.stderr.write(`${listing.join('\n')}\n`);
    throw new KamheapError('ambiguous-site', `--site "${text}" matches ${chosen.length} sites of the ${kind} heap of PID ${pid} (listed above): pass one of their site strings as --site, or narrow with --module NAME`);
  }
  throw new KamheapError('bad-input', await notFoundText({ pid, kind, text, view, request }));
}

/** Sees every used fragment with its site text, and hands the sites matching TEXT (and the filters) to the selector. */
function selectingLook(selector: SiteSelector<RawFragment>, query: ViewQuery, after: FragmentLook['after']): FragmentLook {
  return {
    visit(f, strings) {
      if (f.free || f.filePtr === 0 || f.funcPtr === 0) return undefined;
      const add = (): void => {
        const site = siteText(f, strings.text);
        if (siteSelected(site, query)) selector.add(site, f.size, f);
      };
      const reading = strings.ready(f.filePtr, f.funcPtr, f.mnamePtr === 0 ? f.filePtr : f.mnamePtr);
      if (reading) return reading.then(add);
      add();
      return undefined;
    },
    after,
  };
}

/** Why nothing matched, and where to look instead: shm is walked live (nothing stopped) to see whether the site is there; a pkg walk would stop the process, so it is only suggested. */
async function notFoundText(args: { pid: number; kind: HeapKind; text: string; view: TextView; request: WalkRequest }): Promise<string> {
  const { pid, kind, text } = args;
  const none = `no used fragment from a site matching "${text}" in the ${kind} heap of PID ${pid}`;
  if (kind === 'shm') return `${none}; pkg heaps are per process and were not walked (it stops the process briefly): try ${inspectLine(pid, 'pkg', text)}`;
  const shm = new SiteSelector<RawFragment>(text, false);
  const look = selectingLook(shm, args.view.query, async () => {});
  try {
    await bulkWalk({ ...args.request, kind: 'shm', stop: false }, { look });
  } catch (error) {
    if (error instanceof KamheapError && error.kind === 'interrupted') throw error;
    return `${none} (the shm heap could not be walked to look there: ${error instanceof Error ? error.message : String(error)})`;
  }
  const found = shm.resolve();
  if (found.length === 0) return `${none}, nor in the shm heap`;
  const [only] = found;
  const site = only && found.length === 1 ? only.text : text;
  const what = found.length === 1 ? `${only?.count ?? 0} fragments` : `${found.length} sites`;
  return `${none}; it is in the shm heap (${what}): ${inspectLine(pid, 'shm', site)}`;
}

/** The command that inspects TEXT in another heap, quoted for a POSIX shell. */
function inspectLine(pid: number, kind: HeapKind, site: string): string {
  return `kamheap inspect ${pid} --heap ${kind} --site '${site.replace(/'/g, "'\\''")}'`;
}

/** `n` items spread evenly over the list, first and last included. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const item = items[Math.round((i * (items.length - 1)) / (n - 1 || 1))];
    if (item !== undefined) out.push(item);
  }
  return out;
}

/** The first bytes of one fragment: from the capture of a stopped walk, or else from live memory. */
async function inspectFragment(f: RawFragment, output: WalkOutput, captured: HeapChunks, memory: RawMemory, limit: number): Promise<InspectedFragment> {
  const address = userAddress(output.layout.fragment, BigInt(f.frag));
  const length = Math.min(limit, f.size);
  let bytes: Buffer;
  try {
    const got = captured.slice(Number(address), length);
    const slice: MemorySlice = got instanceof Promise ? await got : got;
    bytes = slice.buffer.subarray(slice.offset, slice.offset + length);
  } catch {
    bytes = await memory.read(address, length);
  }
  return { index: f.index, address: hex(address), size: f.size, bytes: bytes.toString('hex'), strings: printableStrings(bytes) };
}

/** The inspection as text. */
export function renderInspection(i: Inspection): string {
  const lines = [`${i.matching} used fragments from ${printable(i.site)} in the ${i.kind} heap of PID ${i.pid}; ${i.fragments.length} shown`];
  for (const f of i.fragments) {
    lines.push('', `fragment ${f.index} at ${f.address}, ${f.size} bytes:`);
    lines.push(...hexDump(Buffer.from(f.bytes, 'hex')).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
