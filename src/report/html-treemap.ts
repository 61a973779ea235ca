// The treemap as SVG: one rectangle per module, file and site (laid out in treemap.ts), the module's
// colour lighter at each level, labels where they fit, and a tooltip (site text, count, bytes) on
// every rectangle.
import { sizeText } from '../export/size-text.js';
import { escapeHtml } from './html-escape.js';
import { shareText } from '../export/size-text.js';
import { svgNumber, truncate } from './html-format.js';
import { lighten, type ModuleColors } from './module-colors.js';
import type { TreemapNode } from './treemap.js';
import { treemapBox } from './report-model.js';

const levelStyle = {
  module: { font: 12, weight: '600' },
  file: { font: 11, weight: '500' },
  site: { font: 10.5, weight: '400' },
} as const;

/** The treemap's figure, or a line saying there are no sites. */
export function treemapHtml(nodes: readonly TreemapNode[], colors: ModuleColors, totalBytes: number): string {
  if (nodes.length === 0) return '<p class="note">No used fragments with sites: nothing to draw.</p>';
  const { w, h } = treemapBox;
  const shapes = nodes.map((n) => nodeSvg(n, colors, totalBytes)).join('');
  return `<figure class="treemap"><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="treemap of used bytes by module, file and site">${shapes}</svg>${legendHtml(colors)}</figure>`;
}

/** The module colour legend (shared with the heap map). */
export function legendHtml(colors: ModuleColors, extra: Array<{ label: string; color: string }> = []): string {
  const items = [...colors.legend, ...extra].map((l) => `<span class="swatch"><i style="background:${l.color}"></i>${escapeHtml(l.label)}</span>`);
  return `<div class="legend">${items.join('')}</div>`;
}

// One rectangle with its tooltip and, when it fits, its label.
function nodeSvg(n: TreemapNode, colors: ModuleColors, totalBytes: number): string {
  const style = levelStyle[n.level];
  const { x, y, w, h } = n.box;
  const share = totalBytes > 0 ? shareText(n.bytes / totalBytes) : '';
  const tip = `${n.level === 'site' ? n.label : `${n.level} ${n.label}`}\n${n.count} fragments, ${sizeText(n.bytes)} (${n.bytes} B), ${share} of used`;
  const rect = `<rect class="tm-${n.level}" x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(w)}" height="${svgNumber(h)}" fill="${lighten(colors.of(n.module), n.shade)}" data-bytes="${n.bytes}" data-count="${n.count}"><title>${escapeHtml(tip)}</title></rect>`;
  return rect + labelSvg(n, style.font, style.weight);
}

// The label inside the top of the box: the band for modules and files, the box itself for sites.
function labelSvg(n: TreemapNode, font: number, weight: string): string {
  const { x, y, w, h } = n.box;
  if (w < 40 || h < font + 3) return '';
  const chars = Math.floor((w - 6) / (font * 0.56));
  if (chars < 4) return '';
  const text = n.level === 'site' ? n.label.replace(/^.*?: (?=[^:]*\()/, '') : n.label;
  const size = n.level === 'module' && h > 40 && w > 80 ? ` ${sizeText(n.bytes)}` : '';
  return `<text x="${svgNumber(x + 3)}" y="${svgNumber(y + font)}" font-size="${font}" font-weight="${weight}" pointer-events="none">${escapeHtml(truncate(text + size, chars))}</text>`;
}
