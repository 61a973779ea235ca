// The diff against an earlier snapshot (diff.ts): header deltas, how many sites grew, shrank,
// appeared and vanished, and the lists of grown, new and gone sites.
import type { SiteDiff } from '../snapshot/diff.js';
import { siteString } from '../snapshot/site-string.js';
import { escapeHtml } from './html-escape.js';
import { signedCountText } from '../export/size-text.js';
import { bytesHtml, deltaHtml, durationText } from './html-format.js';
import type { DiffView } from './report-model.js';

/** The diff part of one heap. */
export function diffHtml(diff: DiffView): string {
  const c = diff.counts;
  const head = `<p>${escapeHtml(durationText(diff.elapsedSeconds))} between the snapshots. free ${deltaHtml(diff.freeDelta, true)}, real used ${deltaHtml(diff.realUsedDelta)}; walked sites ${deltaHtml(diff.used.bytesDelta)} in ${escapeHtml(signedCountText(diff.used.countDelta))} fragments.</p>
<p>sites: ${c.grew} grew, ${c.shrank} shrank, ${c.new} new, ${c.vanished} gone, ${c.unchanged} unchanged.</p>`;
  return `${head}<div class="diff-lists">${list('grown', 'grown', diff.grown)}${list('new', 'new', diff.added)}${list('gone', 'gone', diff.gone)}</div>`;
}

// One list of changed sites.
function list(name: string, cls: string, sites: readonly SiteDiff[]): string {
  if (sites.length === 0) return `<div class="diff-list ${cls}"><h4>${name}</h4><p class="note">none</p></div>`;
  const rows = sites.map((d) => `<tr><td class="site">${escapeHtml(siteString(d))}</td><td class="num">${deltaHtml(d.bytesDelta)}</td><td class="num">${escapeHtml(signedCountText(d.countDelta))}</td><td class="num">${bytesHtml(d.bytesAfter)}</td><td class="num">${d.countAfter}</td></tr>`);
  return `<div class="diff-list ${cls}"><h4>${name}</h4><table class="diff" data-list="${name}"><thead><tr><th>site</th><th class="num">Δbytes</th><th class="num">Δcount</th><th class="num">bytes</th><th class="num">count</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
