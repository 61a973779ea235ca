// The one text of an allocation site, everywhere kamheap prints or matches one (walk, diff, watch,
// inspect, exports). It is Kamailio's own: `qm_status` and `mem_dump_shm` print `FILE: FUNC(LINE)`,
// and since 4.x the FILE of a module's allocation already starts with "MODULE: " (`_SRC_LOC_`), so
// the text grep-matches Kamailio's dumps and is copy-pasteable into `inspect --site`.
import type { SiteRecord } from '../heap/heap-nouns.js';

/** The fields a site's text is made of. */
export type SiteFields = Pick<SiteRecord, 'module' | 'file' | 'function' | 'line' | 'sizeClass'>;

/** The text of a size class, on builds without the memory debug fields. */
export function sizeClassText(sizeClass: string): string {
  return `(no debug fields) size ${sizeClass}`;
}

/** `tm: h_table.c: build_cell(334)`; the module is added only when FILE does not already name it. */
export function siteString(site: SiteFields): string {
  if (site.sizeClass !== undefined) return sizeClassText(site.sizeClass);
  return `${siteFileText(site)}: ${site.function}(${site.line})`;
}

/** FILE as Kamailio prints it, with "MODULE: " in front when the binary's FILE strings lack it (older releases). */
export function siteFileText(site: Pick<SiteRecord, 'module' | 'file'>): string {
  if (site.module === '' || site.file.startsWith(`${site.module}: `)) return site.file;
  return `${site.module}: ${site.file}`;
}

/** FILE without the "MODULE: " prefix, for views that show the module in a column of its own. */
export function siteFileName(site: Pick<SiteRecord, 'module' | 'file'>): string {
  const prefix = `${site.module}: `;
  return site.module !== '' && site.file.startsWith(prefix) ? site.file.slice(prefix.length) : site.file;
}
