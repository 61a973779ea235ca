// `kamheap watch <pid>`: walk the heap every INTERVAL seconds, keep the samples, and name the sites
// that grow steadily. Ctrl-C ends the watch early and still prints the report of what was sampled.
import { Command } from 'commander';
import { constants } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';
import { checkOutputFile, prepareOutputDir } from '../export/output-file.js';
import { renderTrendReport } from '../export/trend-report.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { jsonDocument } from '../export/write-data.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { forecastRule } from '../snapshot/free-forecast.js';
import { analyzeTrend, suspectRule } from '../snapshot/trend.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { walkInstance } from '../walk/walk-instance.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import type { RunControl } from '../run-control.js';
import { controlFromSignals } from './run-controlled.js';
import { defaultMaxPause, maxPauseHelp, stopHelp } from './options.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';
import { maxIntervalMs, maxSamples, minIntervalMs, minSamples, parseWatchOptions, type RawWatchOptions, type WatchOptions } from './watch-options.js';

/** Builds the command. */
export function watchCommand(): Command {
  const command = new Command('watch')
    .description('walk a heap repeatedly and report the free-memory trend and leak suspects')
    .argument('<pid>', 'Kamailio process ID')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--interval <seconds>', `time between samples, ${minIntervalMs / 1000} to ${maxIntervalMs / 1000}`, '60')
    .option('--samples <n>', `number of walks, ${minSamples} to ${maxSamples}`, '10')
    .option('--out <dir>', 'keep every snapshot (snapshot-NNN.json) and one summary line per sample (samples.ndjson) here')
    .option('--top <k>', 'sites to show per list', '15')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--stop', stopHelp)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .option('--all', 'each sample walks the shm heap and the pkg heap of every process (walk --all); the pkg trend is over their sum')
    .addHelpText('after', `\nLeak suspects: ${suspectRule}.\nTraffic-driven sites rise and fall with the load and are listed apart.\nForecast: ${forecastRule}; otherwise the report says why there is none.`);
  // json: schema kamheap.watch/1
  return addOutputOptions(command, textOrJson, 'flag')
    .action(async (pidText: string, raw: RawWatchOptions & RawOutputOptions) => {
      const options = parseWatchOptions(pidText, raw);
      const output = parseOutputOptions(raw, textOrJson, 'flag');
      await checkOutputFile(output.target);
      const snapshots = await collectWatch(options);
      const trend = analyzeTrend(snapshots);
      const pkgTrend = options.all ? analyzeTrend(snapshots.map(pkgSumAsSnapshot)) : undefined;
      await writeChosenOutput(output, {
        json: () => jsonDocument(pkgTrend ? { ...trend, pkg: pkgTrend } : trend),
        text: () => renderTrendReport(trend, options.top) + (pkgTrend ? `\nall pkg heaps together:\n${renderTrendReport(pkgTrend, options.top)}` : ''),
      });
    });
}

/** Takes the samples; stops early (keeping what it has) on Ctrl-C/SIGTERM. */
export async function collectWatch(options: WatchOptions): Promise<Snapshot[]> {
  const { pid, kind, intervalMs, samples, out } = options;
  if (out) await prepareOutputDir(out);
  const { control, dispose } = controlFromSignals(undefined);
  const walk: SampleOptions = { control, maxPauseMs: options.maxPauseMs, gdbPath: options.gdbPath, stop: options.stop };
  const snapshots: Snapshot[] = [];
  try {
    for (let i = 0; i < samples && !control.stopped; i++) {
      if (i > 0) await pause(intervalMs, control.signal);
      if (control.stopped) break;
      const snapshot = options.all ? await instanceSample(pid, walk) : await heapSample(pid, kind, walk);
      snapshots.push(snapshot);
      process.stderr.write(`sample ${i + 1}/${samples}: free ${snapshot.heap.free} B, ${snapshot.totals.used.count} used fragments\n`);
      if (out) await keep(out, i, snapshot);
    }
  } catch (error) {
    if (!control.stopped) throw error;
  } finally {
    dispose();
  }
  if (snapshots.length < 2) throw control.stopped ? control.error() : new KamheapError('usage', 'fewer than two samples');
  return snapshots;
}

interface SampleOptions {
  control: RunControl;
  maxPauseMs: number;
  gdbPath: string | undefined;
  stop: boolean;
}

/** One sample of one heap. */
async function heapSample(pid: number, kind: HeapKind, options: SampleOptions): Promise<Snapshot> {
  const { control, maxPauseMs, gdbPath, stop } = options;
  const output = await bulkWalk({ pid, kind, range: { from: 0, to: undefined }, control, maxPauseMs, stop, ...(gdbPath ? { gdbPath } : {}) });
  return buildSnapshot(output);
}

/** One `walk --all` sample: shm, with every process's pkg heap and their sum. */
async function instanceSample(pid: number, options: SampleOptions): Promise<Snapshot> {
  const { control, maxPauseMs, gdbPath, stop } = options;
  const walk = await walkInstance(pid, { control, maxPauseMs, stop, ...(gdbPath ? { gdbPath } : {}) });
  return { ...walk.shm, processes: walk.processes, pkgAggregate: walk.pkgAggregate };
}

/** The pkg sum of a `walk --all` sample, shaped as a snapshot so the trend reads it like any heap. */
export function pkgSumAsSnapshot(s: Snapshot): Snapshot {
  const sum = s.pkgAggregate;
  if (!sum) throw new KamheapError('bad-input', 'a --all sample without its pkg sum');
  const { processes: _processes, pkgAggregate: _sum, ...shm } = s;
  return {
    ...shm,
    heap: { ...s.heap, kind: 'pkg', size: sum.size, realUsed: sum.realUsed, free: sum.free, used: sum.used.bytes, maxRealUsed: sum.realUsed },
    totals: { ...s.totals, used: sum.used },
    sites: sum.sites,
  };
}

/** Writes one sample to the --out directory. */
async function keep(dir: string, index: number, snapshot: Snapshot): Promise<void> {
  await writeSnapshotJson(snapshot, join(dir, `snapshot-${String(index + 1).padStart(3, '0')}.json`));
  const line = { createdAt: snapshot.createdAt, pid: snapshot.target.pid, kind: snapshot.heap.kind, free: snapshot.heap.free, realUsed: snapshot.heap.realUsed, used: snapshot.totals.used, sites: snapshot.sites };
  // O_NOFOLLOW: a symbolic link planted at that name inside --out is refused, not followed.
  const flag = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  try {
    await appendFile(join(dir, 'samples.ndjson'), `${JSON.stringify(line)}\n`, { flag, mode: 0o644 });
  } catch (error) {
    throw new KamheapError('bad-input', `cannot write ${join(dir, 'samples.ndjson')}: ${errnoReason(error)}`, { cause: error });
  }
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
