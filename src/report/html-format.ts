// Small formatting rules every HTML piece shares: sizes (human, the exact bytes in a tooltip),
// signed deltas, and the one way an element's text is escaped (counts and shares: export/size-text.ts).
import { signedSizeText, sizeText } from '../export/size-text.js';
import { escapeHtml } from './html-escape.js';

/** A byte count: human text, exact bytes on hover. */
export function bytesHtml(bytes: number | null): string {
  if (bytes === null) return '<span class="unknown">unknown</span>';
  return `<span title="${bytes} B">${escapeHtml(sizeText(bytes))}</span>`;
}

/** A signed byte delta, red for more memory held (`lessIsWorse`: for free memory, red when it shrinks). */
export function deltaHtml(bytes: number | null, lessIsWorse = false): string {
  if (bytes === null) return '<span class="unknown">unknown</span>';
  const worse = lessIsWorse ? bytes < 0 : bytes > 0;
  const cls = bytes === 0 ? 'flat' : worse ? 'up' : 'down';
  return `<span class="${cls}" title="${signedSizeText(bytes, 'raw')} B">${escapeHtml(signedSizeText(bytes))}</span>`;
}

/** Seconds as "45 s", "12 min", "3.5 h". */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  const s = Math.abs(seconds);
  if (s < 120) return `${Number(s.toFixed(s < 10 ? 1 : 0))} s`;
  if (s < 7200) return `${Number((s / 60).toFixed(1))} min`;
  return `${Number((s / 3600).toFixed(1))} h`;
}

/** Text cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** An SVG number: at most two decimals. */
export function svgNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}
