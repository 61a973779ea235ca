// Renders a snapshot as the plain-text summary an operator reads: heap totals, the walk, and the
// allocation sites as the view asks (grouped, filtered, sorted), each named by its site string.
import { snapshotSiteView } from '../snapshot/site-view.js';
import type { AnySnapshot, Snapshot } from '../snapshot/snapshot.js';
import { printable } from './printable.js';
import { siteTableLines, type TextView } from './site-table.js';
import { sizeText, type SizeStyle } from './size-text.js';
import { wrapParts } from './text-fit.js';

/** The summary: heading, totals, the site table, then what went wrong (unsettled places, findings). */
export function renderTextReport(snapshot: Snapshot, view: TextView): string {
  const { heap, walk, totals } = snapshot;
  const size = (n: number): string => sizeText(n, view.sizes);
  const lines: string[] = [];
  // The memory API is the usual way in; any other root is worth naming.
  const root = heap.rootSymbol === undefined || heap.rootSymbol === `_${heap.kind}_root` ? [] : [`through ${printable(heap.rootSymbol)}`];
  const more = [...root, ...(heap.debugFields ? [] : ['no debug fields: sites unknown'])];
  const heading = `${heap.kind} heap of PID ${snapshot.target.pid}: ${heap.allocator}, layout ${printable(heap.layout)} (${heap.layoutSource})`;
  lines.push(...wrapParts([`${heading}${more.length > 0 ? ',' : ''}`, ...more.map((m, i) => (i < more.length - 1 ? `${m},` : m))], view.width, '', ' ').map(view.paint.bold));
  lines.push(...heapTotalsLines(heap, view.sizes, view.width));
  const range = `${walk.from}..${walk.to ?? 'end'}`;
  const timing = timingParts(walk);
  const state = `${walk.complete ? 'complete' : view.paint.red('INCOMPLETE')}${timing.length > 0 ? ';' : ''}`;
  lines.push(...wrapParts([`walked ${plural(walk.fragmentsWalked, 'fragment')} (${range})`, `with the ${walk.walker} walker,`, state, ...timing], view.width, '  ', ' '));
  lines.push(
    ...wrapParts(
      [
        `in range: used ${plural(totals.used.count, 'fragment')}, ${size(totals.used.bytes)};`,
        `free ${plural(totals.free.count, 'fragment')}, ${size(totals.free.bytes)}`,
        `(largest ${size(totals.free.largest)},`,
        `fragmentation ${(totals.fragmentation * 100).toFixed(1)}%)`,
      ],
      view.width,
      '  ',
      ' ',
    ),
  );
  lines.push('');
  if (!heap.debugFields) lines.push('built without the memory debug fields: sites are size classes (rebuild with MEMDBG=1 for sites)');
  lines.push(...siteTableLines(snapshotSiteView(snapshot, view.query), view));
  const unsettled = walk.consistency?.unsettled ?? [];
  if (unsettled.length > 0) {
    lines.push('');
    lines.push('unsettled (the heap changed under the live walk each time it was read; not a corruption: walk again, or with --stop):');
    for (const u of unsettled) lines.push(`  at fragment ${u.index} (${printable(u.address)}): ${printable(u.message)}`);
  }
  if (snapshot.findings.length > 0) {
    lines.push('');
    lines.push(view.paint.red(`findings (${snapshot.findings.length}):`));
    for (const f of snapshot.findings) lines.push(`  ${f.kind} at fragment ${f.index} (${printable(f.address)}): ${printable(f.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The heap header's totals (size, free, used, real used, max), "?" where a snapshot from a log has none; wrapped to `width`. */
export function heapTotalsLines(heap: AnySnapshot['heap'], sizes: SizeStyle, width: number, indent = '  '): string[] {
  const size = (n: number | null): string => (n === null ? '?' : sizeText(n, sizes));
  const parts = [`size ${size(heap.size)}`, `free ${size(heap.free)}`, `used ${size(heap.used)}`, `real used ${size(heap.realUsed)} (max ${size(heap.maxRealUsed)})`];
  return wrapParts(parts, width, indent);
}

/** "1 fragment", "2 fragments". */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How the memory was read, and for how long the target was stopped. */
function timingParts(walk: Snapshot['walk']): string[] {
  const total = `total ${(walk.durationMs ?? 0).toFixed(0)} ms`;
  if (walk.consistency?.mode === 'live') {
    const rereads = walk.consistency.rereads === 0 ? '' : ` ${plural(walk.consistency.rereads, 'place')} re-read,`;
    return ['live, nothing stopped,', `${rereads}${total}`.trim()];
  }
  if (walk.pauseMs === null) return [];
  const gdbSteps = walk.attachMs === undefined || walk.detachMs === undefined ? '' : ` (attach ${walk.attachMs.toFixed(1)}, detach ${walk.detachMs.toFixed(1)})`;
  return [`target paused ${walk.pauseMs.toFixed(1)} ms${gdbSteps},`, total];
}
