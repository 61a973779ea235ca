// The time series of a watch directory for one heap: free and real used over the samples, then one
// small chart per site that grew most from the first sample to the last.
import { siteString } from '../snapshot/site-string.js';
import { escapeHtml } from './html-escape.js';
import { bytesHtml, deltaHtml } from './html-format.js';
import { lineChartSvg } from './html-line-chart.js';
import type { ModuleColors } from './module-colors.js';
import type { HeapSeries } from './watch-series.js';

/** The charts of one heap. */
export function seriesHtml(series: HeapSeries, colors: ModuleColors): string {
  const heap = [
    { label: 'free', color: '#59a14f', values: series.free },
    { label: 'real used', color: '#e15759', values: series.realUsed },
    { label: 'used (walked sites)', color: '#4e79a7', values: series.usedBytes },
  ].map((line) => {
    const known = line.values.filter((v): v is number => v !== null);
    const first = known[0] ?? null;
    const last = known[known.length - 1] ?? null;
    const change = first === null || last === null ? '' : ` (${deltaHtml(last - first, line.label === 'free')})`;
    return `<div class="spark heap-line"><div class="spark-title">${escapeHtml(line.label)}</div>${lineChartSvg(series.times, [line], 300, 76)}<div class="spark-note">${bytesHtml(first)} → ${bytesHtml(last)}${change}</div></div>`;
  });
  const sites = series.growing.map((g) => {
    const first = g.bytes[0] ?? 0;
    const last = g.bytes[g.bytes.length - 1] ?? 0;
    const chart = lineChartSvg(series.times, [{ label: siteString(g.site), color: colors.of(g.site.module), values: g.bytes }], 300, 76);
    return `<div class="spark"><div class="spark-title" title="${escapeHtml(siteString(g.site))}">${escapeHtml(siteString(g.site))}</div>${chart}<div class="spark-note">${bytesHtml(first)} → ${bytesHtml(last)} (${deltaHtml(last - first)})</div></div>`;
  });
  const growing = sites.length > 0 ? `<h4>sites that grew most (first sample to last)</h4><div class="sparks">${sites.join('')}</div>` : '<p class="note">No site grew between the first and the last sample.</p>';
  return `<p>${series.times.length} samples.</p><div class="sparks">${heap.join('')}</div>${growing}`;
}
