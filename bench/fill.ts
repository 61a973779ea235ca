// Fast fills for bench/kamailio-bench.cfg: millions of shm fragments with a few requests (a
// config loop inserts htable cells), and lasting pkg in one receiver (sqlops result containers
// filled from a db_text table). One request is one step; Kamailio answers when the step is done.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KamailioInstance } from '../testbed/index.js';
import { sendOptions } from './sip-request.js';

/** Cells per X-Fill request: a few seconds of Kamailio's time each, under max_while_loops. */
export const CELLS_PER_REQUEST = 500_000;
/** sqlops result containers in the cfg (r0 .. r3). */
export const PKG_CONTAINERS = 4;
/** String columns of the items table: each value is one pkg fragment per row in sqlops' result. */
export const ITEM_STRING_COLUMNS = 4;

const STEP_TIMEOUT_MS = 5 * 60_000;
let sequence = 0;

// A Call-ID no earlier request of this process used (htable keys derive from it).
function nextCallId(kind: string): string {
  sequence += 1;
  return `bench-${kind}-${process.pid}-${sequence}`;
}

/** How `cells` split into requests of at most `perRequest` (each request adds 1 + X-Fill cells). */
export function cellRequests(cells: number, perRequest = CELLS_PER_REQUEST): number[] {
  const steps: number[] = [];
  for (let left = cells; left > 0; left -= perRequest) steps.push(Math.min(left, perRequest));
  return steps;
}

/**
 * Adds exactly `cells` htable cells (one shm fragment each); returns the time it took. Up to
 * `parallel` requests are in flight, one per UDP receiver (htable locks per slot, shm_malloc per
 * call, so two receivers fill almost twice as fast).
 */
export async function fillCells(instance: KamailioInstance, cells: number, signal: AbortSignal, parallel = 2): Promise<number> {
  const started = performance.now();
  const steps = cellRequests(cells);
  const worker = async (): Promise<void> => {
    for (let step = steps.shift(); step !== undefined; step = steps.shift()) {
      const reply = await sendOptions(instance.port, nextCallId('cells'), { 'X-Fill': String(step - 1) }, STEP_TIMEOUT_MS, signal);
      if (reply.status !== 200) throw new Error(`X-Fill ${step - 1}: Kamailio answered ${reply.status} ${reply.reason}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return performance.now() - started;
}

/** The db_text table file `items`: an id and ITEM_STRING_COLUMNS short distinct strings per row. */
export function itemsTable(rows: number): string {
  const names = Array.from({ length: ITEM_STRING_COLUMNS }, (_, i) => `s${i}(str)`);
  const lines = [`id(int) ${names.join(' ')}`];
  for (let row = 0; row < rows; row++) {
    const values = Array.from({ length: ITEM_STRING_COLUMNS }, (_, i) => `v${i}-${row}`);
    lines.push(`${row}:${values.join(':')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the items table into a new db_text directory under `workDir`; returns the directory. */
export function writeItemsDb(workDir: string, rows: number): string {
  const dir = join(workDir, 'db');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'items'), itemsTable(rows));
  return dir;
}

export interface PkgFill {
  /** The receiver that ran the queries and holds their results in its pkg. */
  pid: number;
  /** Rows kept, summed over the containers. */
  rows: number;
  ms: number;
}

/**
 * Runs the items query into `containers` result containers, one request each. With one UDP
 * receiver (children 1) every request lands in the same process; the answers must agree on it.
 */
export async function fillPkg(instance: KamailioInstance, containers: number, signal: AbortSignal): Promise<PkgFill> {
  if (containers < 1 || containers > PKG_CONTAINERS) throw new Error(`pkg fill: 1 to ${PKG_CONTAINERS} containers, not ${containers}`);
  const started = performance.now();
  let pid: number | undefined;
  let rows = 0;
  for (let r = 0; r < containers; r++) {
    const reply = await sendOptions(instance.port, nextCallId('pkg'), { 'X-Pkg-Fill': String(r) }, STEP_TIMEOUT_MS, signal);
    const by = Number(reply.headers.get('x-pid'));
    const kept = Number(reply.headers.get('x-rows'));
    if (reply.status !== 200 || !Number.isInteger(by) || !Number.isInteger(kept) || kept <= 0) {
      throw new Error(`X-Pkg-Fill ${r}: answer ${reply.status} ${reply.reason}, X-Pid ${reply.headers.get('x-pid')}, X-Rows ${reply.headers.get('x-rows')}`);
    }
    if (pid !== undefined && by !== pid) throw new Error(`X-Pkg-Fill ${r} ran in PID ${by}, the earlier ones in ${pid}`);
    pid = by;
    rows += kept;
  }
  if (pid === undefined) throw new Error('pkg fill: no request sent');
  return { pid, rows, ms: performance.now() - started };
}
