// Renders a watch: each sample with its time, the free-memory trend and how sure its forecast is,
// leak suspects and the other moving sites; with --all, the pkg sum and which process's pkg grows.
import { printable } from './printable.js';
import { signedCountText, signedSizeText, sizeText, type SizeStyle } from './size-text.js';
import { formatSpan } from '../snapshot/free-forecast.js';
import type { ProcessTrend } from '../snapshot/process-trend.js';
import { siteString } from '../snapshot/site-string.js';
import type { SiteSeries, Trend } from '../snapshot/trend.js';
import type { WatchTrend } from '../snapshot/watch-trend.js';

export interface TrendReportOptions {
  /** The first line's subject; by default "KIND heap of PID N (ROLE)". */
  title?: string;
  style?: SizeStyle;
  /** How the samples kept to the period (watch), printed under the title. */
  schedule?: string;
}

/** The whole watch report: the heap's trend, the schedule, and with --all the pkg sum and the processes. */
export function renderWatchReport(w: WatchTrend, top: number, style: SizeStyle = 'human'): string {
  const parts = [renderTrendReport(w, top, { style, schedule: w.schedule.note })];
  if (w.pkg && w.processes) {
    parts.push(renderTrendReport(w.pkg, top, { style, title: `pkg heaps of ${w.processes.length} processes, summed` }));
    parts.push(renderProcesses(w.processes, top, style));
  }
  return parts.join('\n');
}

/** One heap's trend as text. */
export function renderTrendReport(trend: Trend<null>, top: number, options: TrendReportOptions = {}): string {
  const style = options.style ?? 'human';
  const size = (n: number): string => bytesText(n, style);
  const lines: string[] = [];
  const { free } = trend;
  const title = options.title ?? `${trend.kind} heap of PID ${trend.pid}${trend.role === undefined ? '' : ` (${printable(trend.role)})`}`;
  lines.push(`${title}, ${trend.samples.length} samples from ${trend.samples[0]?.createdAt ?? '?'} to ${trend.samples.at(-1)?.createdAt ?? '?'}`);
  if (options.schedule !== undefined) lines.push(`  schedule: ${options.schedule}`);
  if (free === null) {
    lines.push('  free: unknown (snapshots parsed from *_sums lines carry no heap totals)');
  } else {
    // Without a forecast the reason stands where the hours would: the operator sees why there are none.
    const outlook = free.hoursToExhaustion === null ? free.forecast : `exhausted in about ${free.hoursToExhaustion.toFixed(1)} h at this rate (${free.forecast})`;
    lines.push(`  free ${size(free.first)} -> ${size(free.last)} (${signedBytes(free.delta, style)}, ${signedBytes(Math.round(free.bytesPerHour), style)}/h): ${outlook}`);
    const c = free.confidence;
    const step = c.largestStepShare === null ? 'no fall' : `largest step ${Math.round(c.largestStepShare * 100)}% of the fall`;
    lines.push(`  confidence: ${c.samples} samples over ${formatSpan(c.windowMs)}, fell in ${c.falls} of ${c.intervals} intervals, ${step}, R² ${c.rSquared === null ? 'n/a' : c.rSquared.toFixed(2)}`);
    lines.push(`  forecast rule: ${trend.forecastRule}`);
  }
  lines.push('', 'samples:');
  trend.samples.forEach((s, i) => {
    const when = s.startedAt === undefined ? s.createdAt : `${s.startedAt} (walk ${((s.walkMs ?? 0) / 1000).toFixed(1)} s)`;
    const heap = s.free === null ? '' : `  free ${size(s.free)}  real used ${size(s.realUsed ?? 0)}`;
    lines.push(`  ${String(i + 1).padStart(3)}  ${when}${heap}  used ${s.usedCount} fragments, ${size(s.usedBytes)}`);
  });
  lines.push('');
  lines.push(`leak suspects (${trend.suspects.length}): ${trend.rule}`);
  if (trend.suspects.length === 0) lines.push('  none');
  for (const s of trend.suspects.slice(0, top)) lines.push(seriesLine(s, style));
  const others = trend.sites.filter((s) => !s.suspect).slice(0, top);
  lines.push('');
  lines.push(`other sites that moved (${trend.sites.length - trend.suspects.length}):`);
  if (others.length === 0) lines.push('  none');
  for (const s of others) lines.push(seriesLine(s, style));
  return `${lines.join('\n')}\n`;
}

/** Which process's pkg grows: each process's real used bytes (as `kamcmd pkg.stats` shows them), growing ones first, with their suspects. */
function renderProcesses(processes: readonly ProcessTrend[], top: number, style: SizeStyle): string {
  const moved = processes.filter((p) => p.rises + p.falls > 0);
  const growing = processes.filter((p) => p.growing);
  const lines = [`pkg by process (${growing.length} growing of ${processes.length}): a process grows when its real used bytes never fall, rise in at least 60% of the intervals (and at least twice) and end higher`];
  for (const p of moved.slice(0, top)) {
    const used = `real used ${bytesText(p.realUsed[0] ?? 0, style)} -> ${bytesText(p.realUsed.at(-1) ?? 0, style)} (${signedBytes(p.realUsedDelta, style)}, up ${p.rises} down ${p.falls})`;
    const since = p.started ? `, started ${p.started.at}` : '';
    lines.push(`  ${p.growing ? 'GROWS' : 'moves'}  PID ${p.pid} ${printable(p.role)}${since}: ${used}${p.samples < 2 ? ', in one sample only' : ''}`);
    for (const s of p.suspects.slice(0, top)) lines.push(`    suspect${seriesLine(s, style)}`);
  }
  const still = processes.length - moved.length;
  if (moved.length === 0) lines.push('  none moved');
  if (still > 0 && moved.length > 0) lines.push(`  ${still} other processes did not move`);
  return `${lines.join('\n')}\n`;
}

/** One site: growth, slope, rises/falls, its text (siteString) and its bytes per sample. */
function seriesLine(s: SiteSeries, style: SizeStyle): string {
  const growth = `${signedBytes(s.bytesDelta, style).padStart(11)} ${signedCountText(s.countDelta).padStart(7)} frags ${`${signedBytes(Math.round(s.bytesPerMinute), style)}/min`.padStart(15)}`;
  return `  ${growth}  up ${s.rises} down ${s.falls}  ${printable(siteString(s))}  [${s.bytes.map((b) => bytesText(b, style)).join(' ')}]`;
}

/** Human sizes, or bytes with their unit (--bytes). */
function bytesText(n: number, style: SizeStyle): string {
  return style === 'raw' ? `${n} B` : sizeText(n, style);
}

function signedBytes(n: number, style: SizeStyle): string {
  return style === 'raw' ? `${signedCountText(n)} B` : signedSizeText(n, style);
}
