// `kamheap inspect <pid> --site "FILE: FUNCTION(LINE)"`: what the fragments of one allocation site
// hold, sampled across the heap. The bytes are the ones captured while the target was stopped.
import { Command } from 'commander';
import { KamheapError } from '../errors.js';
import { hexDump, printableStrings } from '../export/hex-dump.js';
import { printable } from '../export/printable.js';
import { checkOutputFile } from '../export/output-file.js';
import { jsonDocument } from '../export/write-data.js';
import type { MemorySlice } from '../heap/walk-fragments.js';
import { userAddress } from '../heap/layout.js';
import type { RawFragment } from '../heap/fragment.js';
import type { HeapChunks } from '../memory/heap-capture.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { RunControl } from '../run-control.js';
import { hex } from '../util/hex.js';
import type { WalkOutput } from '../snapshot/walk-output.js';
import { bulkWalk, type FragmentLook } from '../walk/bulk-walker.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';
import { runControlled } from './run-controlled.js';
import { defaultMaxPause, maxPauseHelp, parseCount, parseHeapKind, parseMaxPause, parsePid, parseTimeout, stopHelp } from './options.js';

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

interface RawInspectOptions extends RawOutputOptions {
  heap: string;
  site: string;
  sample: string;
  bytes: string;
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
    .requiredOption('--site <site>', 'the site as the summary prints it: "FILE: FUNCTION(LINE)", e.g. "htable: ht_api.c: ht_cell_new(186)"')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--sample <n>', 'fragments to show, spread evenly over the matching ones', '5')
    .option('--bytes <b>', 'bytes to show per fragment (at most its size)', '256')
    .option('--stop', stopHelp)
    .option('--timeout <seconds>', 'give up after this long; the target is detached and left running')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--gdb <path>', 'gdb executable to use', 'gdb');
  // json: schema kamheap.inspect/1, with the printable strings of each fragment
  return addOutputOptions(command, textOrJson, 'flag')
    .action(async (pidText: string, raw: RawInspectOptions) => {
      const output = parseOutputOptions(raw, textOrJson, 'flag');
      await checkOutputFile(output.target);
      await runControlled(parseTimeout(raw.timeout), async (control) => {
        const inspection = await collectInspection(pidText, raw, control);
        control.throwIfStopped();
        await writeChosenOutput(output, { text: () => renderInspection(inspection), json: () => jsonDocument(inspection) });
      });
    });
}

/** Parses "FILE: FUNCTION(LINE)"; FILE itself may contain ": " (module prefix). */
export function parseSite(text: string): { file: string; function: string; line: number } {
  const m = /^(.+): ([^:]+)\((\d+)\)$/.exec(text.trim());
  if (!m?.[1] || !m[2] || !m[3]) throw new KamheapError('usage', `--site must look like "FILE: FUNCTION(LINE)", not "${text}"`);
  return { file: m[1], function: m[2], line: Number(m[3]) };
}

/** Walks, picks the site's used fragments, and reads the sampled ones' first bytes. */
export async function collectInspection(pidText: string, raw: RawInspectOptions, control: RunControl): Promise<Inspection> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const site = parseSite(raw.site);
  const sample = Math.max(1, parseCount(raw.sample, '--sample'));
  const limit = parseCount(raw.bytes, '--bytes');
  const maxPauseMs = parseMaxPause(raw.maxPause);
  const hits: RawFragment[] = [];
  let picked: InspectedFragment[] = [];
  // Used fragments of the site, told by their text as the walk reads it.
  const look: FragmentLook = {
    visit(f, strings) {
      if (f.free || f.line !== site.line) return undefined;
      const match = (): void => {
        if (f.filePtr !== 0 && f.funcPtr !== 0 && strings.text(f.filePtr) === site.file && strings.text(f.funcPtr) === site.function) hits.push(f);
      };
      const reading = strings.ready(f.filePtr, f.funcPtr);
      if (reading) return reading.then(match);
      match();
      return undefined;
    },
    async after(chunks, memory, output) {
      for (const f of spread(hits, sample)) picked.push(await inspectFragment(f, output, chunks, memory, limit));
    },
  };
  const request = { pid, kind, range: { from: 0, to: undefined }, control, maxPauseMs, stop: raw.stop === true, ...(raw.gdb ? { gdbPath: raw.gdb } : {}) };
  await bulkWalk(request, { look });
  const matching = hits.length;
  if (matching === 0) throw new KamheapError('bad-input', `no used fragment from ${raw.site} in the ${kind} heap of PID ${pid}`);
  return { schema: 'kamheap.inspect/1', pid, kind, site: raw.site, matching, fragments: picked };
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
