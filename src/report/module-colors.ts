// One colour per module, the same in the treemap, the heap map and their legends: the modules holding
// the most bytes get the palette's distinct colours, the rest share "other"; free memory is grey.
import type { SiteRecord } from '../heap/heap-nouns.js';

/** Distinct, print-safe colours (Tableau 10 and two more), largest module first. */
const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6', '#d37295', '#8cd17d'] as const;
export const otherColor = '#a5a097';
export const freeColor = '#d9d9d9';

export interface ModuleColors {
  /** The colour of a module's memory. */
  of(module: string): string;
  /** The legend: the modules with a colour of their own, then "other modules" when some share one. */
  legend: Array<{ label: string; color: string }>;
}

/** Colours for the modules of `sites`, by bytes held. */
export function moduleColors(sites: readonly Pick<SiteRecord, 'module' | 'bytes'>[]): ModuleColors {
  const bytes = new Map<string, number>();
  for (const site of sites) bytes.set(site.module, (bytes.get(site.module) ?? 0) + site.bytes);
  const ranked = [...bytes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([module]) => module);
  const colors = new Map(ranked.slice(0, palette.length).map((module, i) => [module, palette[i] ?? otherColor]));
  const legend = [...colors.entries()].map(([module, color]) => ({ label: moduleLabel(module), color }));
  if (ranked.length > palette.length) legend.push({ label: `${ranked.length - palette.length} other modules`, color: otherColor });
  return { of: (module) => colors.get(module) ?? otherColor, legend };
}

/** A module's name as shown; builds without debug fields have none. */
export function moduleLabel(module: string): string {
  return module === '' ? '(no module)' : module;
}

/** `#rrggbb` mixed with white by `amount` (0: unchanged, 1: white). */
export function lighten(color: string, amount: number): string {
  const value = Number.parseInt(color.slice(1), 16);
  const channel = (shift: number): string => {
    const c = (value >> shift) & 0xff;
    return Math.round(c + (255 - c) * amount)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}
