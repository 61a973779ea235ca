// The top sites table: every site of the heap (up to maxTableRows) with count, bytes and share, a
// search box and sortable headers (the page's script reads the rows' numbers from the embedded
// JSON, report-script.ts). Without script the full table still reads, largest first.
import { escapeHtml } from './html-escape.js';
import { shareText } from '../export/size-text.js';
import { bytesHtml } from './html-format.js';
import { moduleLabel } from './module-colors.js';
import type { SiteRow } from './report-model.js';

/** The search box and the table of one heap. */
export function sitesTableHtml(heapId: string, rows: readonly SiteRow[], leftOut: number): string {
  const id = escapeHtml(heapId);
  const body = rows.map((r, i) => `<tr data-i="${i}"><td class="num">${i + 1}</td><td class="site">${escapeHtml(r.text)}</td><td>${escapeHtml(moduleLabel(r.module))}</td><td class="num">${r.count}</td><td class="num" data-bytes="${r.bytes}">${bytesHtml(r.bytes)}</td><td class="num">${shareText(r.share)}</td></tr>`);
  const more = leftOut > 0 ? `<p class="note">${leftOut} smaller sites are left out of this table.</p>` : '';
  return `<div class="table-tools"><input type="search" class="site-search" data-heap="${id}" placeholder="filter sites: module, file, function, line" aria-label="filter sites"><span class="shown" data-heap="${id}">${rows.length} sites</span></div>
<table class="sites" data-heap="${id}"><thead><tr><th data-sort="rank" class="num">#</th><th data-sort="site">site</th><th data-sort="module">module</th><th data-sort="count" class="num">count</th><th data-sort="bytes" class="num">bytes</th><th data-sort="bytes" class="num">share</th></tr></thead><tbody>${body.join('')}</tbody></table>${more}`;
}
