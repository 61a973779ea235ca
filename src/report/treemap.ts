// The treemap's rectangles: modules, then each module's files, then each file's sites, every level
// laid out by squarify inside its parent's box (less a label band when the parent is large enough
// to show one). Computed once, at generation time: the page only draws them.
import type { SiteRecord } from '../heap/heap-nouns.js';
import { siteFileName, siteString } from '../snapshot/site-string.js';
import { moduleLabel } from './module-colors.js';
import { squarify, type Box } from './squarify.js';

export interface TreemapNode {
  level: 'module' | 'file' | 'site';
  box: Box;
  module: string;
  /** Module name, file name or the site's text. */
  label: string;
  /** How much lighter than the module's colour (0: the colour; files and sites lighter, neighbouring files told apart). */
  shade: number;
  count: number;
  bytes: number;
}

interface Group {
  name: string;
  bytes: number;
  count: number;
  children: Group[];
  site?: SiteRecord;
}

/** Label band height above a module's and a file's children, when the box can spare it. */
const bands = { module: 16, file: 13 } as const;

/** The nodes of the treemap of `sites` in `box`, parents before their children. */
export function layoutTreemap(sites: readonly SiteRecord[], box: Box): TreemapNode[] {
  const nodes: TreemapNode[] = [];
  const modules = group(sites);
  place(modules, box, (moduleGroup, moduleBox) => {
    nodes.push(node('module', moduleBox, moduleGroup, moduleGroup.name, moduleLabel(moduleGroup.name), 0));
    place(moduleGroup.children, inner(moduleBox, bands.module), (fileGroup, fileBox, fileIndex) => {
      nodes.push(node('file', fileBox, fileGroup, moduleGroup.name, fileGroup.name, 0.2));
      place(fileGroup.children, inner(fileBox, bands.file), (siteGroup, siteBox) => {
        const site = siteGroup.site;
        if (site) nodes.push(node('site', siteBox, siteGroup, moduleGroup.name, siteString(site), fileIndex % 2 === 0 ? 0.42 : 0.58));
      });
    });
  });
  return nodes;
}

// Lays out groups (largest first) in `box` and hands each its rectangle; empty rectangles are skipped.
function place(groups: readonly Group[], box: Box | undefined, visit: (g: Group, b: Box, index: number) => void): void {
  if (!box) return;
  const boxes = squarify(
    groups.map((g) => g.bytes),
    box,
  );
  groups.forEach((g, i) => {
    const b = boxes[i];
    if (b && b.w > 0 && b.h > 0) visit(g, b, i);
  });
}

// The box for a node's children: inset by a pixel, below its label band when it is tall and wide enough for one.
function inner(box: Box, band: number): Box | undefined {
  const inset = box.w > 6 && box.h > 6 ? 1 : 0;
  const top = box.h > band * 2.5 && box.w > 48 ? band : inset;
  const result = { x: box.x + inset, y: box.y + top, w: box.w - 2 * inset, h: box.h - top - inset };
  return result.w > 0 && result.h > 0 ? result : undefined;
}

// Module -> file -> site groups, each level sorted by bytes, largest first.
function group(sites: readonly SiteRecord[]): Group[] {
  const modules = new Map<string, Map<string, Group>>();
  for (const site of sites) {
    if (site.bytes <= 0) continue;
    const files = modules.get(site.module) ?? new Map<string, Group>();
    modules.set(site.module, files);
    const fileName = site.sizeClass === undefined ? siteFileName(site) : 'size classes';
    const file = files.get(fileName) ?? { name: fileName, bytes: 0, count: 0, children: [] };
    files.set(fileName, file);
    file.children.push({ name: siteString(site), bytes: site.bytes, count: site.count, children: [], site });
    file.bytes += site.bytes;
    file.count += site.count;
  }
  const list = [...modules.entries()].map(([name, files]) => {
    const children = sorted([...files.values()].map((f) => ({ ...f, children: sorted(f.children) })));
    return { name, bytes: sum(children, 'bytes'), count: sum(children, 'count'), children };
  });
  return sorted(list);
}

function sorted(groups: Group[]): Group[] {
  return groups.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

function sum(groups: readonly Group[], field: 'bytes' | 'count'): number {
  return groups.reduce((n, g) => n + g[field], 0);
}

function node(level: TreemapNode['level'], box: Box, g: Group, module: string, label: string, shade: number): TreemapNode {
  return { level, box, module, label, shade, count: g.count, bytes: g.bytes };
}
