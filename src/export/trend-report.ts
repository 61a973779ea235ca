// Renders a watch: the samples, the free-memory trend, leak suspects and the other moving sites.
import { printable } from './printable.js';
import type { SiteSeries, Trend } from '../snapshot/trend.js';

/** The watch report as text. */
export function renderTrendReport(trend: Trend<null>, top: number): string {
  const lines: string[] = [];
  const { free } = trend;
  lines.push(`${trend.kind} heap of PID ${trend.pid}, ${trend.samples.length} samples from ${trend.samples[0]?.createdAt ?? '?'} to ${trend.samples.at(-1)?.createdAt ?? '?'}`);
  if (free === null) {
    lines.push('  free: unknown (snapshots parsed from *_sums lines carry no heap totals)');
  } else {
    // Without a forecast the reason stands where the hours would: the operator sees why there are none.
    const outlook = free.hoursToExhaustion === null ? free.forecast : `exhausted in about ${free.hoursToExhaustion.toFixed(1)} h at this rate (${free.forecast})`;
    lines.push(`  free ${free.first} -> ${free.last} B (${signed(free.delta)} B, ${signed(Math.round(free.bytesPerHour))} B/h): ${outlook}`);
    lines.push(`  forecast rule: ${trend.forecastRule}`);
  }
  lines.push('');
  lines.push(`leak suspects (${trend.suspects.length}): ${trend.rule}`);
  if (trend.suspects.length === 0) lines.push('  none');
  for (const s of trend.suspects.slice(0, top)) lines.push(seriesLine(s));
  const others = trend.sites.filter((s) => !s.suspect).slice(0, top);
  lines.push('');
  lines.push(`other sites that moved (${trend.sites.length - trend.suspects.length}):`);
  if (others.length === 0) lines.push('  none');
  for (const s of others) lines.push(seriesLine(s));
  return `${lines.join('\n')}\n`;
}

/** One site: growth, slope, rises/falls and its bytes per sample. */
function seriesLine(s: SiteSeries): string {
  return `  ${signed(s.bytesDelta).padStart(10)} B ${signed(s.countDelta).padStart(7)} frags ${signed(Math.round(s.bytesPerMinute)).padStart(9)} B/min  up ${s.rises} down ${s.falls}  ${printable(s.module)}: ${printable(s.file)}: ${printable(s.function)}(${s.line})  [${s.bytes.join(' ')}]`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
