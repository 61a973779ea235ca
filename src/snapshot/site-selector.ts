// What `inspect --site TEXT` picks: the site whose site string is TEXT (as any view prints it, also
// with its middle elided to "…" to fit 80 columns), else the sites whose site string contains TEXT
// (a function, file or module name, or any part of them). Pure; the walk feeds it sites.
import { siteString, type SiteFields } from './site-string.js';

/** The mark the text views leave where they cut a long name (src/export/text-fit.ts prints it). */
export const elisionMark = '…';

/** How a site matches: its whole string (or the elided form of it), a part of it, or not at all. */
export type SiteMatch = 'exact' | 'part' | undefined;

/** How `text` matches the site whose string is `site`. */
export function matchSiteText(text: string, site: string): SiteMatch {
  if (site === text) return 'exact';
  const cut = text.indexOf(elisionMark);
  if (cut >= 0 && text.indexOf(elisionMark, cut + 1) < 0) {
    const head = text.slice(0, cut);
    const tail = text.slice(cut + elisionMark.length);
    if (site.length > head.length + tail.length && site.startsWith(head) && site.endsWith(tail)) return 'exact';
  }
  return site.includes(text) ? 'part' : undefined;
}

/** One candidate site and its used fragments' count and bytes. */
export interface SiteCandidate<F> {
  site: SiteFields;
  text: string;
  match: 'exact' | 'part';
  count: number;
  bytes: number;
  fragments: F[];
}

/** Collects, fragment by fragment, the sites TEXT matches; `resolve` says which one TEXT means. */
export class SiteSelector<F> {
  readonly candidates = new Map<string, SiteCandidate<F>>();

  /** `keep` false counts the matching fragments without keeping them (to tell whether a heap has the site). */
  constructor(
    readonly text: string,
    private readonly keep = true,
  ) {}

  /** A used fragment of `site`, `size` bytes; the fragment is kept when the site matches. */
  add(site: SiteFields, size: number, fragment: F): void {
    const text = siteString(site);
    let candidate = this.candidates.get(text);
    if (!candidate) {
      const match = matchSiteText(this.text, text);
      if (match === undefined) return;
      candidate = { site, text, match, count: 0, bytes: 0, fragments: [] };
      this.candidates.set(text, candidate);
    }
    candidate.count++;
    candidate.bytes += size;
    if (this.keep) candidate.fragments.push(fragment);
  }

  /** The one site TEXT means (an exact match wins over parts); several when it is ambiguous, none when nothing matched. */
  resolve(): SiteCandidate<F>[] {
    const all = [...this.candidates.values()];
    const exact = all.filter((c) => c.match === 'exact');
    return exact.length > 0 ? exact : all;
  }
}
