// Flame-graph input in Brendan Gregg's folded format, read by flamegraph.pl, speedscope and
// inferno: one line per site, `module;file;function(line) bytes`, frames from the root. A `walk
// --all` snapshot puts the heap first (`shm;...`, `pkg 4711 receiver child=0;...`), so one graph
// holds every process. Names come from the target's memory: ';' would split a frame and a newline
// a line, so ';' becomes ':' and control characters are escaped (printable).
import type { SiteRecord } from '../heap/heap-nouns.js';
import { siteFileName, sizeClassText } from '../snapshot/site-string.js';
import { snapshotSiteSets, type SiteSet } from '../snapshot/site-sets.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { printable } from './printable.js';

/** The snapshot's sites as folded stacks weighted by bytes, one line each. */
export function foldedStacks(snapshot: AnySnapshot): string {
  const sets = snapshotSiteSets(snapshot);
  const lines: string[] = [];
  for (const set of sets) {
    const root = sets.length > 1 ? [heapFrame(set)] : [];
    for (const site of set.sites) lines.push(`${[...root, ...siteFrames(site)].map(frameText).join(';')} ${site.bytes}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The root frame of one heap in a multi-heap graph. */
function heapFrame(set: SiteSet<SiteRecord>): string {
  return set.role === undefined ? set.heap : `${set.heap} ${set.pid} ${set.role}`;
}

/** module, file, function(line) from the root; a size class alone on a build without debug fields. */
function siteFrames(site: SiteRecord): string[] {
  if (site.sizeClass !== undefined) return [sizeClassText(site.sizeClass)];
  return [site.module || '?', siteFileName(site) || '?', `${site.function || '?'}(${site.line})`];
}

/** A frame name that cannot split a frame or a line. */
export function frameText(name: string): string {
  return printable(name).replaceAll(';', ':');
}
