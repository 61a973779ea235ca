// Renders a snapshot as the plain-text summary an operator reads: heap totals, the walk, and the
// top allocation sites in the shape of Kamailio's own `qm_sums` lines.
import type { SiteRecord } from '../heap/heap-nouns.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { printable } from './printable.js';

/** The summary table; `top` limits the site list. */
export function renderTextReport(snapshot: Snapshot, top: number): string {
  const { heap, walk, totals } = snapshot;
  const lines: string[] = [];
  lines.push(
    `${heap.kind} heap of PID ${snapshot.target.pid}: ${heap.allocator}, layout ${printable(heap.layout)} (${heap.layoutSource})` +
      // The memory API is the usual way in; any other root is worth naming.
      (heap.rootSymbol === undefined || heap.rootSymbol === `_${heap.kind}_root` ? '' : `, through ${printable(heap.rootSymbol)}`) +
      (heap.debugFields ? '' : ', no debug fields: sites unknown'),
  );
  lines.push(
    `  size ${bytes(heap.size)}  used ${bytes(heap.used)}  real used ${bytes(heap.realUsed)}  max real used ${bytes(heap.maxRealUsed)}  free ${bytes(heap.free)}`,
  );
  const range = `${walk.from}..${walk.to ?? 'end'}`;
  lines.push(`  walked ${plural(walk.fragmentsWalked, 'fragment')} (${range}) with the ${walk.walker} walker, ${walk.complete ? 'complete' : 'INCOMPLETE'}${timingText(walk)}`);
  lines.push(
    `  in range: used ${plural(totals.used.count, 'fragment')}, ${bytes(totals.used.bytes)}; free ${plural(totals.free.count, 'fragment')}, ${bytes(totals.free.bytes)}` +
      ` (largest ${bytes(totals.free.largest)}, fragmentation ${(totals.fragmentation * 100).toFixed(1)}%)`,
  );
  lines.push('');
  const shown = snapshot.sites.slice(0, top);
  const noSites = !heap.debugFields;
  lines.push(
    noSites
      ? `top ${shown.length} of ${snapshot.sites.length} size classes by bytes (built without the memory debug fields: no sites; rebuild with MEMDBG=1):`
      : `top ${shown.length} of ${snapshot.sites.length} allocation sites by bytes:`,
  );
  lines.push(`${'count'.padStart(8)} ${'bytes'.padStart(12)}  ${'module'.padEnd(12)} file: function(line)`);
  for (const site of shown) lines.push(siteLine(site));
  const unsettled = walk.consistency?.unsettled ?? [];
  if (unsettled.length > 0) {
    lines.push('');
    lines.push('unsettled (the heap changed under the live walk each time it was read; not a corruption: walk again, or with --stop):');
    for (const u of unsettled) lines.push(`  at fragment ${u.index} (${printable(u.address)}): ${printable(u.message)}`);
  }
  if (snapshot.findings.length > 0) {
    lines.push('');
    lines.push(`findings (${snapshot.findings.length}):`);
    for (const f of snapshot.findings) lines.push(`  ${f.kind} at fragment ${f.index} (${printable(f.address)}): ${printable(f.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One site, as `count bytes module file: function(line)`. */
function siteLine(site: SiteRecord): string {
  if (site.sizeClass) return `${String(site.count).padStart(8)} ${String(site.bytes).padStart(12)}  ${'?'.padEnd(12)} (no debug fields) size ${printable(site.sizeClass)}`;
  return `${String(site.count).padStart(8)} ${String(site.bytes).padStart(12)}  ${printable(site.module).padEnd(12)} ${printable(site.file)}: ${printable(site.function)}(${site.line})`;
}

/** "1 fragment", "2 fragments". */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Bytes with a binary-unit hint for large values. */
function bytes(n: number): string {
  if (n < 1024 * 1024) return `${n} B`;
  return `${n} B (${(n / (1024 * 1024)).toFixed(1)} MiB)`;
}

/** How the memory was read, and for how long the target was stopped. */
function timingText(walk: Snapshot['walk']): string {
  const total = `total ${(walk.durationMs ?? 0).toFixed(0)} ms`;
  if (walk.consistency?.mode === 'live') {
    const rereads = walk.consistency.rereads === 0 ? '' : `, ${plural(walk.consistency.rereads, 'place')} re-read`;
    return `; live, nothing stopped${rereads}, ${total}`;
  }
  if (walk.pauseMs === null) return '';
  const gdbSteps = walk.attachMs === undefined || walk.detachMs === undefined ? '' : ` (attach ${walk.attachMs.toFixed(1)}, detach ${walk.detachMs.toFixed(1)})`;
  return `; target paused ${walk.pauseMs.toFixed(1)} ms${gdbSteps}, ${total}`;
}
