// The samples of a `kamheap watch --out DIR` directory: its snapshot-NNN.json files in order, each
// read through the snapshot reader (validated at the door) and reduced to its series numbers.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';
import { readSnapshot } from '../snapshot/read-snapshot.js';
import { seriesSample, type SeriesSample } from './watch-series.js';

const samplePattern = /^snapshot-(\d+)\.json$/;

/** The watch samples in `dir`, oldest first; a directory without two of them is a bad-input error. */
export async function readWatchDir(dir: string): Promise<SeriesSample[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new KamheapError('bad-input', `cannot read the watch directory ${dir}: ${errnoReason(error)}`, { cause: error });
  }
  const files = names
    .map((name) => ({ name, n: Number(samplePattern.exec(name)?.[1]) }))
    .filter((f) => Number.isInteger(f.n))
    .sort((a, b) => a.n - b.n);
  if (files.length < 2) throw new KamheapError('bad-input', `${dir} holds ${files.length} snapshot-NNN.json files: a watch directory (kamheap watch --out DIR) holds at least two`);
  const samples: SeriesSample[] = [];
  for (const f of files) samples.push(seriesSample(await readSnapshot(join(dir, f.name))));
  return samples;
}
