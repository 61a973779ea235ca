// `kamheap watch <pid>`: walk the heap every INTERVAL seconds (a period, start to start), keep the
// samples, and name the sites (with --all, the processes) that grow steadily. Ctrl-C ends the watch
// early and still prints the report of what was sampled.
import { Command } from 'commander';
import { constants } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';
import { checkOutputFile, prepareOutputDir } from '../export/output-file.js';
import { renderWatchReport } from '../export/trend-report.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { jsonDocument } from '../export/write-data.js';
import { buildSnapshot } from '../snapshot/build-snapshot.js';
import type { ProcessSection, Snapshot } from '../snapshot/snapshot.js';
import { forecastRule } from '../snapshot/free-forecast.js';
import { suspectRule } from '../snapshot/trend.js';
import { watchTrend, type WatchSample } from '../snapshot/watch-trend.js';
import { bulkWalk } from '../walk/bulk-walker.js';
import { walkInstance } from '../walk/walk-instance.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import type { RunControl } from '../run-control.js';
import { controlFromSignals } from './run-controlled.js';
import { runEveryPeriod, systemClock } from './sample-schedule.js';
import { defaultMaxPause, maxPauseHelp, stopHelp } from './options.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';
import { maxIntervalMs, maxSamples, minIntervalMs, minSamples, parseWatchOptions, type RawWatchOptions, type WatchOptions } from './watch-options.js';

/** Builds the command. */
export function watchCommand(): Command {
  const command = new Command('watch')
    .description('walk a heap repeatedly and report the free-memory trend and leak suspects')
    .argument('<pid>', 'Kamailio process ID')
    .option('--heap <kind>', 'pkg or shm', 'pkg')
    .option('--interval <seconds>', `period from one sample's start to the next's, ${minIntervalMs / 1000} to ${maxIntervalMs / 1000}`, '60')
    .option('--samples <n>', `number of walks, ${minSamples} to ${maxSamples}`, '10')
    .option('--out <dir>', 'keep every snapshot (snapshot-NNN.json) and one summary line per sample (samples.ndjson) here')
    .option('--bytes', 'sizes in bytes in the text report (default: KiB, MiB...)')
    .option('--top <k>', 'sites to show per list', '15')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--stop', stopHelp)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .option('--all', 'each sample walks the shm heap and the pkg heap of every process (walk --all): a trend of their sum, and of each process')
    .addHelpText('after', `\nLeak suspects: ${suspectRule}.\nTraffic-driven sites rise and fall with the load and are listed apart.\nForecast: ${forecastRule}; otherwise the report says why there is none.`);
  // json: schema kamheap.watch/2 (trendSchemaId)
  return addOutputOptions(command, textOrJson, 'flag')
    .action(async (pidText: string, raw: RawWatchOptions & RawOutputOptions) => {
      const options = parseWatchOptions(pidText, raw);
      const output = parseOutputOptions(raw, textOrJson, 'flag');
      await checkOutputFile(output.target);
      const { samples, late } = await collectWatch(options);
      const trend = watchTrend(samples, options.intervalMs, late);
      await writeChosenOutput(output, {
        json: () => jsonDocument(trend),
        text: () => renderWatchReport(trend, options.top, raw.bytes === true ? 'raw' : 'human'),
      });
    });
}

/** Takes the samples, one per period; stops early (keeping what it has) on Ctrl-C/SIGTERM. */
export async function collectWatch(options: WatchOptions): Promise<{ samples: WatchSample[]; late: number }> {
  const { pid, kind, intervalMs, out } = options;
  if (out) await prepareOutputDir(out);
  const { control, dispose } = controlFromSignals(undefined);
  const walk: SampleOptions = { control, maxPauseMs: options.maxPauseMs, gdbPath: options.gdbPath, stop: options.stop };
  const samples: WatchSample[] = [];
  let late = 0;
  const take = async (i: number): Promise<void> => {
    const started = systemClock.now();
    const snapshot = options.all ? await instanceSample(pid, walk) : await heapSample(pid, kind, walk);
    const sample = { snapshot, startedAt: new Date(started).toISOString(), walkMs: Math.round(systemClock.now() - started) };
    samples.push(sample);
    process.stderr.write(`sample ${i + 1}/${options.samples} at ${sample.startedAt}: free ${snapshot.heap.free} B, ${snapshot.totals.used.count} used fragments\n`);
    if (out) await keep(out, i, sample);
  };
  try {
    late = (await runEveryPeriod(options.samples, intervalMs, take, systemClock, control.signal)).late;
  } catch (error) {
    if (!control.stopped) throw error;
  } finally {
    dispose();
  }
  if (samples.length < 2) throw control.stopped ? control.error() : new KamheapError('usage', 'fewer than two samples');
  return { samples, late };
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

/** A process's pkg totals in a samples.ndjson line: what `kamcmd pkg.stats` shows per process. */
function processLine(p: ProcessSection): { pid: number; role: string; realUsed: number | null; free: number | null } {
  return { pid: p.pid, role: p.role, realUsed: p.heap?.realUsed ?? null, free: p.heap?.free ?? null };
}

/** Writes one sample to the --out directory. */
async function keep(dir: string, index: number, { snapshot, startedAt, walkMs }: WatchSample): Promise<void> {
  await writeSnapshotJson(snapshot, join(dir, `snapshot-${String(index + 1).padStart(3, '0')}.json`));
  const line = { startedAt, walkMs, createdAt: snapshot.createdAt, pid: snapshot.target.pid, kind: snapshot.heap.kind, free: snapshot.heap.free, realUsed: snapshot.heap.realUsed, used: snapshot.totals.used, sites: snapshot.sites, ...(snapshot.processes ? { processes: snapshot.processes.map(processLine) } : {}) };
  // O_NOFOLLOW: a symbolic link planted at that name inside --out is refused, not followed.
  const flag = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  try {
    await appendFile(join(dir, 'samples.ndjson'), `${JSON.stringify(line)}\n`, { flag, mode: 0o644 });
  } catch (error) {
    throw new KamheapError('bad-input', `cannot write ${join(dir, 'samples.ndjson')}: ${errnoReason(error)}`, { cause: error });
  }
}
