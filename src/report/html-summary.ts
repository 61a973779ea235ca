// The summary of one heap: header totals, the walk, and the findings (with their messages, which
// may quote the target's memory: escaped like everything else).
import { escapeHtml } from './html-escape.js';
import { shareText } from '../export/size-text.js';
import { bytesHtml } from './html-format.js';
import type { HeapSection } from './heap-sections.js';

/** The totals cards, the walk line and the findings list. */
export function summaryHtml(section: HeapSection): string {
  const cards: Array<[string, string]> = [
    ['size', bytesHtml(section.size)],
    ['used', bytesHtml(section.used)],
    ['real used', bytesHtml(section.realUsed)],
    ['max real used', bytesHtml(section.maxRealUsed)],
    ['free', bytesHtml(section.free)],
    ['used fragments', `<span class="num">${section.usedCount}</span>`],
    ['free fragments', section.freeCount === null ? '<span class="unknown">unknown</span>' : `<span class="num">${section.freeCount}</span>`],
    ['fragmentation', section.fragmentation === null ? '<span class="unknown">unknown</span>' : escapeHtml(shareText(section.fragmentation))],
  ];
  const error = section.error ? `<p class="error">not walked: ${escapeHtml(section.error)}</p>` : '';
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card" data-field="${escapeHtml(k)}"><div class="k">${escapeHtml(k)}</div><div class="v">${v}</div></div>`).join('')}</div>
${error}${walkHtml(section)}${findingsHtml(section)}`;
}

// One line about the walk: walker, fragments, complete or not, stopped or live, timing.
function walkHtml(section: HeapSection): string {
  const w = section.walk;
  if (!w) return '';
  const parts = [`${w.walker} walker`, `${w.fragmentsWalked} fragments walked (${w.from}..${w.to ?? 'end'})`, w.complete ? 'complete' : 'INCOMPLETE'];
  if (w.consistency) parts.push(w.consistency.mode === 'live' ? `live, nothing stopped, ${w.consistency.rereads} re-reads` : 'target stopped for the read');
  if (w.pauseMs !== null && w.pauseMs > 0) parts.push(`paused ${w.pauseMs.toFixed(1)} ms`);
  if (w.durationMs !== null) parts.push(`took ${w.durationMs.toFixed(0)} ms`);
  return `<p class="walk">walk: ${escapeHtml(parts.join('; '))}</p>`;
}

// The findings, or a line saying there are none.
function findingsHtml(section: HeapSection): string {
  if (section.findings.length === 0) return '<p class="findings ok">findings: none</p>';
  const items = section.findings.map((f) => `<li><b>${escapeHtml(f.kind)}</b> at fragment ${f.index} (${escapeHtml(f.address)}): ${escapeHtml(f.message)}</li>`);
  return `<div class="findings bad"><p>findings: ${section.findings.length}</p><ul>${items.join('')}</ul></div>`;
}

/** The other heaps of a `walk --all` snapshot, one row each (pick one with the heap selector). */
export function othersHtml(others: readonly HeapSection[]): string {
  if (others.length === 0) return '';
  const rows = others.map((h) => `<tr data-heap="${escapeHtml(h.id)}"><td>${escapeHtml(h.label)}</td><td class="num">${bytesHtml(h.size)}</td><td class="num">${bytesHtml(h.realUsed)}</td><td class="num">${bytesHtml(h.free)}</td><td class="num">${bytesHtml(h.usedBytes)}</td><td class="num">${h.usedCount}</td><td>${h.error ? `<span class="error">${escapeHtml(h.error)}</span>` : h.findings.length > 0 ? `<span class="error">${h.findings.length} findings</span>` : 'none'}</td></tr>`);
  return `<table class="heaps"><thead><tr><th>heap</th><th class="num">size</th><th class="num">real used</th><th class="num">free</th><th class="num">used by sites</th><th class="num">fragments</th><th>findings</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
