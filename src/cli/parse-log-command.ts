// `kamheap parse-log <file>`: Kamailio's own memory dumps, as a log already holds them (stderr,
// syslog, journalctl), turned into snapshots that `diff` and the trend read like walked ones.
import { Command } from 'commander';
import { join } from 'node:path';
import { ExitCode, KamheapError } from '../errors.js';
import { renderLogDumpReport } from '../export/log-dump-report.js';
import { checkOutputFile, prepareOutputDir } from '../export/output-file.js';
import { printable } from '../export/printable.js';
import { writeSnapshotJson } from '../export/write-json.js';
import { jsonDocument } from '../export/write-data.js';
import { logDumpSnapshot } from '../kamailio-log/dump-snapshot.js';
import { logLimits, readLogDumps } from '../kamailio-log/read-log.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { sizeText } from '../util/read-lines.js';
import { parsePid } from './options.js';
import { addViewOptions, parseViewOptions, type RawViewOptions } from './view-options.js';
import { addOutputOptions, parseOutputOptions, writeChosenOutput, type RawOutputOptions } from './output-options.js';

/** text, json (the snapshots as one array), ndjson (one snapshot per line). */
const parseLogFormats = ['text', 'json', 'ndjson'] as const;

interface RawParseLogOptions extends RawOutputOptions, RawViewOptions {
  out?: string;
  pid?: string;
  fragments?: boolean;
}

export interface ParsedLog {
  file: string;
  lines: number;
  /** Lines too long to be dump lines, skipped. */
  skipped: number;
  snapshots: AnySnapshot[];
}

/** Builds the command. */
export function parseLogCommand(setExitCode: (code: number) => void): Command {
  const command = new Command('parse-log')
    .description("turn Kamailio's own memory dumps in a log (mem_dump_pkg / mem_dump_shm status dumps, *_sums lines) into snapshots")
    .argument('<file>', "Kamailio's stderr log, a syslog file or journalctl output (-o short, short-iso, ...); - for stdin")
    .option('--out <dir>', 'write one snapshot per dump there: pid-<pid>-<heap>-<n>.json')
    .option('--pid <pid>', 'only the dumps logged by this process')
    .option('--fragments', "include the status dumps' fragments in the snapshots");
  return addOutputOptions(addViewOptions(command, { top: '5' }), parseLogFormats, 'flag')
    .action(async (file: string, raw: RawParseLogOptions) => {
      const view = parseViewOptions(raw);
      const pid = raw.pid === undefined ? undefined : parsePid(raw.pid);
      const output = parseOutputOptions(raw, parseLogFormats, 'flag');
      await checkOutputFile(output.target);
      if (raw.out !== undefined) await prepareOutputDir(raw.out);
      const parsed = await collectParseLog(file, { pid, includeFragments: raw.fragments === true });
      if (raw.out !== undefined) await writeLogSnapshots(raw.out, parsed.snapshots);
      await writeChosenOutput(output, {
        text: () => renderLogDumpReport(file, parsed.lines, parsed.snapshots, view),
        json: () => jsonDocument(parsed.snapshots),
        ndjson: () => parsed.snapshots.map((s) => `${JSON.stringify(s)}\n`),
      });
      warnIncomplete(parsed.snapshots);
      warnSkipped(parsed.skipped);
      if (parsed.snapshots.some((s) => s.findings.some((f) => f.kind === 'check-pattern'))) setExitCode(ExitCode.heapCorrupt);
    });
}

/** Reads the log and builds one snapshot per dump; no dump at all is a bad-input error. */
export async function collectParseLog(file: string, options: { pid: number | undefined; includeFragments: boolean }): Promise<ParsedLog> {
  const { dumps, source, lines, skipped } = await readLogDumps(file);
  if (lines === 0) throw new KamheapError('bad-input', `${file} is empty`);
  if (dumps.length === 0) {
    const long = skipped === 0 ? '' : `, ${skipped} of them longer than ${sizeText(logLimits.maxLineBytes)}`;
    throw new KamheapError('bad-input', `no Kamailio memory dump in ${file} (${lines} lines${long}): found no qm_status/fm_status/tlsf_status or *_sums lines`);
  }
  const mine = options.pid === undefined ? dumps : dumps.filter((d) => d.pid === options.pid);
  if (mine.length === 0) {
    const pids = [...new Set(dumps.map((d) => d.pid))].join(', ');
    throw new KamheapError('bad-input', `no dump by PID ${options.pid} in ${file}; the dumps there are by ${pids}`);
  }
  return { file, lines, skipped, snapshots: mine.map((d) => logDumpSnapshot(d, source, { includeFragments: options.includeFragments })) };
}

/** Writes pid-<pid>-<heap>-<n>.json per snapshot (each through a temp file renamed over the name), n counting each process's dumps of that heap from 1. */
export async function writeLogSnapshots(dir: string, snapshots: readonly AnySnapshot[]): Promise<string[]> {
  await prepareOutputDir(dir);
  const seen = new Map<string, number>();
  const files: string[] = [];
  for (const snapshot of snapshots) {
    const stem = `pid-${snapshot.target.pid}-${snapshot.heap.kind}`;
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    const target = join(dir, `${stem}-${n}.json`);
    await writeSnapshotJson(snapshot, target);
    files.push(target);
  }
  process.stderr.write(`kamheap: wrote ${files.length} snapshot${files.length === 1 ? '' : 's'} to ${printable(dir)}\n`);
  return files;
}

// One stderr line per dump with lines missing, so a table or a JSON array on stdout stays data.
function warnIncomplete(snapshots: readonly AnySnapshot[]): void {
  for (const s of snapshots) {
    const first = s.findings.find((f) => f.kind === 'log-incomplete');
    if (first && s.log) process.stderr.write(`kamheap: dump of PID ${s.target.pid} at lines ${s.log.firstLine}-${s.log.lastLine} is incomplete: ${printable(first.message)}\n`);
  }
}

// One stderr line for the lines too long to be dump lines (a binary blob, a runaway log line).
function warnSkipped(skipped: number): void {
  if (skipped === 0) return;
  process.stderr.write(`kamheap: skipped ${skipped} line${skipped === 1 ? '' : 's'} longer than ${sizeText(logLimits.maxLineBytes)} (not Kamailio dump lines)\n`);
}
