// Sums the fragments of a walk as it steps them, so that nothing grows with the fragment count:
// used fragments by the debug fields' pointers (numbers, cheap to compare), free ones into totals.
// The pointers become text once each, at the end (or as the walk goes, for a fragment list).
import type { RawFragment } from '../heap/fragment.js';
import { SiteSums, type SiteText, type Summary } from './summarize.js';

/** Used fragments from one (file, function, module, line) pointer set. */
interface PointerSite {
  filePtr: number;
  mnamePtr: number;
  line: number;
  count: number;
  bytes: number;
}

/** The text of a fragment's site. As the walk script prints it: no site unless file and func are both set, no module unless mname is too. */
export function siteText(f: Pick<RawFragment, 'filePtr' | 'funcPtr' | 'mnamePtr' | 'line'>, text: (pointer: number) => string): SiteText {
  const site = f.filePtr !== 0 && f.funcPtr !== 0;
  return {
    module: site && f.mnamePtr !== 0 ? text(f.mnamePtr) : '',
    file: site ? text(f.filePtr) : '',
    function: site ? text(f.funcPtr) : '',
    line: f.line,
  };
}

/** Per-site and free sums of a walk, fed one fragment at a time. */
export class SiteTally {
  /** Debug builds: sites by function pointer, then by the other fields (a function allocates from a few lines). */
  private readonly byFunction = new Map<number, PointerSite[]>();
  /** Builds without debug fields: used fragments by exact size (grouped into size classes at the end). */
  private readonly bySize = new Map<number, number>();
  /** Free fragments go straight in; used ones when the tally ends, with their text. */
  private readonly sums: SiteSums;
  private ended = false;
  walked = 0;

  constructor(private readonly debugFields: boolean) {
    this.sums = new SiteSums(debugFields);
  }

  /** The visitor: counts one walked fragment. */
  readonly add = (f: RawFragment): void => {
    this.walked++;
    if (f.free) {
      this.sums.addFree(f.size);
      return;
    }
    if (!this.debugFields) {
      this.bySize.set(f.size, (this.bySize.get(f.size) ?? 0) + 1);
      return;
    }
    let sites = this.byFunction.get(f.funcPtr);
    if (!sites) this.byFunction.set(f.funcPtr, (sites = []));
    for (const site of sites) {
      if (site.line === f.line && site.filePtr === f.filePtr && site.mnamePtr === f.mnamePtr) {
        site.count++;
        site.bytes += f.size;
        return;
      }
    }
    sites.push({ filePtr: f.filePtr, mnamePtr: f.mnamePtr, line: f.line, count: 1, bytes: f.size });
  };

  /** Every distinct debug-field pointer seen in a used fragment. */
  pointers(): Set<number> {
    const pointers = new Set<number>();
    for (const [funcPtr, sites] of this.byFunction) {
      pointers.add(funcPtr);
      for (const site of sites) pointers.add(site.filePtr).add(site.mnamePtr);
    }
    pointers.delete(0);
    return pointers;
  }

  /** Ends the tally: the sums with each site's text, merged by text. */
  summary(text: (pointer: number) => string): Summary {
    if (this.ended) throw new Error('the tally has ended');
    this.ended = true;
    for (const [funcPtr, sites] of this.byFunction) {
      for (const site of sites) this.sums.addUsed(siteText({ funcPtr, filePtr: site.filePtr, mnamePtr: site.mnamePtr, line: site.line }, text), site.count, site.bytes);
    }
    const none = { module: '', file: '', function: '', line: 0 };
    for (const [size, count] of this.bySize) this.sums.addUsed(none, count, size * count);
    return this.sums.summary();
  }
}
