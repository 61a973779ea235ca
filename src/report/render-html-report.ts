// `renderHtmlReport(input)`: one self-contained HTML page for a snapshot (kamheap report, and walk
// --format html): the view model (report-model.ts) laid out by the html-*.ts pieces.
import { escapeHtml } from './html-escape.js';
import { diffHtml } from './html-diff.js';
import { heapMapHtml } from './html-heap-map.js';
import { pageHtml } from './html-page.js';
import { seriesHtml } from './html-series.js';
import { sitesTableHtml } from './html-sites-table.js';
import { othersHtml, summaryHtml } from './html-summary.js';
import { treemapHtml } from './html-treemap.js';
import { reportModel, type ReportModel, type SectionView } from './report-model.js';
import type { ReportInput } from './report-input.js';

export type { ReportInput } from './report-input.js';

/** The report as one HTML document. */
export function renderHtmlReport(input: ReportInput): string {
  const model = reportModel(input);
  const data = { sites: Object.fromEntries(model.sections.map((v) => [v.section.id, v.rows.map((r) => [r.text, r.module, r.count, r.bytes])])) };
  return pageHtml({ title: model.title, header: headerHtml(model), body: `${pickerHtml(model)}${model.sections.map(sectionHtml).join('\n')}`, footer: `<footer>made by ${escapeHtml(model.tool)} at ${escapeHtml(model.generatedAt)}; self-contained: no network, no external files.</footer>`, data });
}

// The title and what the report is about.
function headerHtml(model: ReportModel): string {
  const rows = model.meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<header><h1>${escapeHtml(model.title)}</h1><dl>${rows}</dl></header>`;
}

// The heap selector, when the snapshot holds more than one heap (walk --all).
function pickerHtml(model: ReportModel): string {
  if (model.sections.length < 2) return '';
  const options = model.sections.map((v) => `<option value="${escapeHtml(v.section.id)}">${escapeHtml(v.section.label)}</option>`).join('');
  return `<div class="heap-picker"><label for="heap-select">heap: </label><select id="heap-select">${options}</select> <span class="note">${model.sections.length} heaps in this snapshot</span></div>`;
}

// Everything about one heap.
function sectionHtml(view: SectionView): string {
  const s = view.section;
  const parts = [`<h2>${escapeHtml(s.label)}</h2>`, summaryHtml(s)];
  if (view.others.length > 0) parts.push('<h3>the pkg heaps (pick one above)</h3>', othersHtml(view.others));
  if (view.diff) parts.push('<h3>changes since the earlier snapshot</h3>', diffHtml(view.diff));
  if (view.series) parts.push('<h3>over time</h3>', seriesHtml(view.series, view.colors));
  parts.push('<h3>treemap: module, file, site by bytes</h3>', treemapHtml(view.treemap, view.colors, s.usedBytes));
  parts.push('<h3>heap map</h3>', heapMapHtml(view.heapMap, view.colors, s.findings));
  parts.push(`<h3>top sites (${s.sites.length})</h3>`, sitesTableHtml(s.id, view.rows, view.rowsLeftOut));
  return `<section class="heap" data-heap="${escapeHtml(s.id)}">\n${parts.join('\n')}\n</section>`;
}
