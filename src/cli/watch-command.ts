// `kamheap watch <pid>`: walk the heap every INTERVAL seconds, keep the samples, and name the sites
// that grow steadily. Ctrl-C ends the watch early and still prints the report of what was sampled.
import { Command } from 'commander';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KamheapError } from '../errors.js';
import { renderTrendReport } from '../export/trend-report.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { analyzeTrend, suspectRule } from '../snapshot/trend.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { abortOnSignals } from './abort-on-signal.js';
import { parseCount, parseHeapKind, parsePid, parseTimeout } from './options.js';

interface RawWatchOptions {
  heap: string;
  interval: string;
  samples: string;
  out?: string;
  json?: boolean;
  top: string;
  gdb?: string;
}

/** Builds the command. */
export function watchCommand(): Command {
  return new Command('watch')
    .description('walk a heap repeatedly and report the free-memory trend and leak suspects')
    .argument('<pid>', 'Kamailio process ID')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--interval <seconds>', 'time between samples', '60')
    .option('--samples <n>', 'number of walks', '10')
    .option('--out <dir>', 'keep every snapshot (snapshot-NNN.json) and one summary line per sample (samples.ndjson) here')
    .option('--json', 'print the trend as JSON (schema kamheap.watch/1)')
    .option('--top <k>', 'sites to show per list', '15')
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .addHelpText('after', `\nLeak suspects: ${suspectRule}.\nTraffic-driven sites rise and fall with the load and are listed apart.`)
    .action(async (pidText: string, raw: RawWatchOptions) => {
      const snapshots = await collectWatch(pidText, raw);
      const trend = analyzeTrend(snapshots);
      process.stdout.write(raw.json ? `${JSON.stringify(trend, null, 2)}\n` : renderTrendReport(trend, parseCount(raw.top, '--top')));
    });
}

/** Takes the samples; stops early (keeping what it has) on Ctrl-C/SIGTERM. */
export async function collectWatch(pidText: string, raw: RawWatchOptions): Promise<Snapshot[]> {
  const pid = parsePid(pidText);
  const kind = parseHeapKind(raw.heap);
  const intervalMs = parseTimeout(raw.interval) ?? 60_000;
  const samples = parseCount(raw.samples, '--samples');
  parseCount(raw.top, '--top');
  if (samples < 2) throw new KamheapError('usage', '--samples must be at least 2 to show a trend');
  if (raw.out) await mkdir(raw.out, { recursive: true });
  const abort = abortOnSignals(undefined);
  const snapshots: Snapshot[] = [];
  try {
    for (let i = 0; i < samples && !abort.signal.aborted; i++) {
      if (i > 0) await pause(intervalMs, abort.signal);
      if (abort.signal.aborted) break;
      const output = await bulkWalk({ pid, kind, range: { from: 0, to: undefined }, signal: abort.signal, ...(raw.gdb ? { gdbPath: raw.gdb } : {}) });
      const snapshot = buildSnapshot(output, { includeFragments: false });
      snapshots.push(snapshot);
      process.stderr.write(`sample ${i + 1}/${samples}: free ${snapshot.heap.free} B, ${snapshot.totals.used.count} used fragments\n`);
      if (raw.out) await keep(raw.out, i, snapshot);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    abort.dispose();
  }
  if (snapshots.length < 2) throw abort.signal.aborted ? abort.error() : new KamheapError('usage', 'fewer than two samples');
  return snapshots;
}

/** Writes one sample to the --out directory. */
async function keep(dir: string, index: number, snapshot: Snapshot): Promise<void> {
  await writeSnapshotJson(snapshot, join(dir, `snapshot-${String(index + 1).padStart(3, '0')}.json`));
  const line = { createdAt: snapshot.createdAt, pid: snapshot.target.pid, kind: snapshot.heap.kind, free: snapshot.heap.free, realUsed: snapshot.heap.realUsed, used: snapshot.totals.used, sites: snapshot.sites };
  await appendFile(join(dir, 'samples.ndjson'), `${JSON.stringify(line)}\n`);
}

/** Waits, waking early on abort. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
