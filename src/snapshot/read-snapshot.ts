// Loads a snapshot file and checks, field by field, that it is one kamheap can compare: bad JSON or
// a foreign file is a one-line bad-input error, never a crash deeper in.
import { readFile } from 'node:fs/promises';
import { KamheapError } from '../errors.js';
import { snapshotSchemaId, type AnySnapshot } from './snapshot.js';

/** Reads and validates a snapshot written by `kamheap walk --json`, `parse --json` or `parse-log`. */
export async function readSnapshot(file: string): Promise<AnySnapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KamheapError('bad-input', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KamheapError('bad-input', `${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const problem = snapshotProblem(value);
  if (problem) throw new KamheapError('bad-input', `${file} is not a ${snapshotSchemaId} snapshot: ${problem}`);
  return value as AnySnapshot;
}

/** The first reason `value` is not a usable snapshot, or undefined. */
export function snapshotProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  if (value['schema'] !== snapshotSchemaId) return `schema is ${JSON.stringify(value['schema'])}`;
  const heap = value['heap'];
  if (!isObject(heap)) return 'no heap';
  // A snapshot parsed from *_sums lines alone has no heap totals: null there, and only there.
  const fromLog = isObject(value['walk']) && value['walk']['walker'] === 'log';
  for (const field of ['size', 'used', 'realUsed', 'maxRealUsed', 'free']) {
    if (typeof heap[field] !== 'number' && !(fromLog && heap[field] === null)) return `heap.${field} is not a number`;
  }
  if (heap['kind'] !== 'pkg' && heap['kind'] !== 'shm') return 'heap.kind is not pkg or shm';
  if (!isObject(value['target']) || typeof value['target']['pid'] !== 'number') return 'target.pid is not a number';
  if (typeof value['createdAt'] !== 'string') return 'createdAt is not a string';
  const sites = value['sites'];
  if (!Array.isArray(sites)) return 'sites is not a list';
  for (const [i, site] of sites.entries()) {
    if (!isObject(site)) return `sites[${i}] is not an object`;
    for (const field of ['module', 'file', 'function']) if (typeof site[field] !== 'string') return `sites[${i}].${field} is not a string`;
    for (const field of ['line', 'count', 'bytes']) if (typeof site[field] !== 'number') return `sites[${i}].${field} is not a number`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
