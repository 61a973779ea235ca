// A small inline SVG line chart: one or more series over the same sample times, the y axis from the
// lowest to the highest value (sizes labelled at both ends), no script needed.
import { sizeText } from '../export/size-text.js';
import { escapeHtml } from './html-escape.js';
import { svgNumber } from './html-format.js';

export interface ChartLine {
  label: string;
  color: string;
  /** One value per time; null where unknown (the line breaks there). */
  values: ReadonlyArray<number | null>;
}

/** A chart of `lines` over `times` (ms since the epoch), `width` x `height` SVG units. */
export function lineChartSvg(times: readonly number[], lines: readonly ChartLine[], width: number, height: number): string {
  const known = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  if (times.length < 2 || known.length === 0) return '';
  const pad = { left: 58, right: 6, top: 6, bottom: 14 };
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const span = hi - lo || Math.max(1, Math.abs(hi) * 0.01);
  const x = (t: number): number => pad.left + ((t - t0) / (t1 - t0 || 1)) * (width - pad.left - pad.right);
  const y = (v: number): number => pad.top + (1 - (v - lo) / span) * (height - pad.top - pad.bottom);
  const paths = lines.map((l) => `<path d="${pathOf(times, l.values, x, y)}" fill="none" stroke="${l.color}" stroke-width="1.6"><title>${escapeHtml(l.label)}</title></path>`);
  const axis = `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#bbb"/><text x="${pad.left - 4}" y="${pad.top + 8}" text-anchor="end" font-size="9">${escapeHtml(sizeText(hi))}</text><text x="${pad.left - 4}" y="${height - pad.bottom}" text-anchor="end" font-size="9">${escapeHtml(sizeText(lo))}</text><text x="${pad.left}" y="${height - 2}" font-size="9">${escapeHtml(clock(t0))}</text><text x="${width - pad.right}" y="${height - 2}" text-anchor="end" font-size="9">${escapeHtml(clock(t1))}</text>`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${axis}${paths.join('')}</svg>`;
}

// An SVG path through the known points, broken at unknown ones.
function pathOf(times: readonly number[], values: ReadonlyArray<number | null>, x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = 'M';
  values.forEach((v, i) => {
    const t = times[i];
    if (v === null || t === undefined) {
      pen = 'M';
      return;
    }
    d += `${pen}${svgNumber(x(t))} ${svgNumber(y(v))}`;
    pen = 'L';
  });
  return d;
}

// HH:MM:SS (UTC) of a time.
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
