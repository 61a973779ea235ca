// The heap map of fragment records read as lines, twice: first the address range, then the cells.
// From an NDJSON snapshot's file (`walk --fragments --format ndjson`: one record per line after the
// snapshot), or from a walk's own FragmentList (`walk --format html`). Memory stays bounded whatever
// the fragment count; a line that is not a fragment record is a one-line bad-input error naming it.
import { createReadStream } from 'node:fs';
import { KamheapError } from '../errors.js';
import type { FindingRecord } from '../snapshot/snapshot.js';
import { readLines } from '../util/read-lines.js';
import { binnerFor, ExtentTracker, type HeapMap, type MapFragment } from './heap-map.js';
import { mapFragmentOf } from './report-model.js';

/** Longest fragment line read (kamheap writes about 200 bytes; file and function names are short). */
const maxLineBytes = 64 << 10;

/** The map of the fragments after the first line of `file`; undefined when it has none. */
export function readFragmentMap(file: string, findings: readonly FindingRecord[]): Promise<HeapMap | undefined> {
  return mapFragmentLines((visit) => eachFileFragment(file, visit), findings);
}

/** The map of a walk's fragment list (`FragmentList.lines()` can be read more than once). */
export function fragmentListMap(list: { lines(): AsyncIterable<string> }, findings: readonly FindingRecord[]): Promise<HeapMap | undefined> {
  return mapFragmentLines(async (visit) => {
    let number = 0;
    for await (const piece of list.lines()) for (const line of piece.split('\n')) if (line !== '') visit(fragmentOf('the walk\'s fragments', ++number, line));
  }, findings);
}

// The two passes over the fragments that `each` visits.
async function mapFragmentLines(each: (visit: (f: MapFragment) => void) => Promise<void>, findings: readonly FindingRecord[]): Promise<HeapMap | undefined> {
  const extent = new ExtentTracker();
  await each((f) => extent.add(f));
  const binner = binnerFor(extent);
  if (!binner) return undefined;
  await each((f) => binner.add(f));
  return binner.result(findings);
}

// Calls `visit` with each fragment record of the file (every line but the first and empty ones).
async function eachFileFragment(file: string, visit: (f: MapFragment) => void): Promise<void> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const line of readLines(stream, { name: file, maxLineBytes })) {
      if (line.number === 1 || line.text === '') continue;
      visit(fragmentOf(file, line.number, line.text));
    }
  } catch (error) {
    if (error instanceof KamheapError) throw error;
    throw new KamheapError('bad-input', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
}

const hexPattern = /^0x[0-9a-f]{1,16}$/;

// One line as a fragment, or the error naming the line.
function fragmentOf(file: string, number: number, text: string | undefined): MapFragment {
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isFragmentRecord(value)) throw new KamheapError('bad-input', `${file} line ${number}: not a fragment record of a kamheap NDJSON snapshot`);
  return mapFragmentOf(value);
}

// What the map reads of a record, checked as the schema's fragment does.
function isFragmentRecord(v: unknown): v is { frag: string; address: string; size: number; used: boolean; module: string } {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['frag'] === 'string' && hexPattern.test(r['frag']) && typeof r['address'] === 'string' && hexPattern.test(r['address']) && Number.isSafeInteger(r['size']) && (r['size'] as number) >= 0 && typeof r['used'] === 'boolean' && typeof r['module'] === 'string';
}
