// Fills gdb-scripts/walk-fragments.gdb for one heap. Every value put into the script is a number
// checked here, a name from a fixed set, or a layout id made of [a-z0-9_/]: no user text reaches gdb.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KamheapError } from '../errors.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapRoot } from '../locate/heap-header.js';
import { heapRootSymbol } from '../locate/heap-roots.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { packageRoot, toolVersion } from '../util/version.js';
import { addressExpr, checkValues, nat, optionalLines, printFragment, sizeExpr, sizeValues, totalsExpr } from './script-expressions.js';
import { typeLegend } from './script-type-legend.js';

export interface ScriptParams {
  pid: number;
  kind: HeapKind;
  /** The symbol the heap is reached through (the layout names its allocator). */
  root: Pick<HeapRoot, 'symbol'>;
  layout: HeapLayout;
  from: number;
  to: number | undefined;
  executable: string | null;
}

/** "No upper bound" in the script: larger than any heap's fragment count. */
export const unboundedTo = 2_147_483_647;

/** The walk script for these parameters, ready for `source` or `gdb --batch --command`. */
export function renderWalkScript(params: ScriptParams, template = loadTemplate()): string {
  const { layout } = params;
  const f = layout.fragment;
  if (!Number.isSafeInteger(params.pid) || params.pid < 1) throw new KamheapError('usage', `invalid PID: ${params.pid}`);
  if (params.to !== undefined && params.to < params.from) throw new KamheapError('usage', `--to (${params.to}) is below --from (${params.from})`);
  if (!/^[a-z0-9_/]+$/.test(layout.id)) throw new KamheapError('bad-input', `invalid layout id ${layout.id}`);
  const executable = params.executable && /^[\w./+-]+$/.test(params.executable) ? params.executable : '/usr/sbin/kamailio';
  const values: Record<string, string> = {
    TOOL_VERSION: toolVersion(),
    PID: nat(params.pid, 'PID'),
    KIND: params.kind,
    ALLOCATOR: layout.allocator,
    LAYOUT_ID: layout.id,
    LAYOUT_SOURCE: layout.source,
    EXECUTABLE: executable,
    FROM: nat(params.from, '--from'),
    TO: nat(params.to ?? unboundedTo, '--to'),
    TO_TEXT: params.to === undefined ? 'end' : String(params.to),
    ...rootValues(params.kind, params.root, layout),
    HEAP_TOTALS: totalsExpr(layout),
    FIRST_FRAG: addressExpr(layout, 'firstFrag'),
    WALK_END: addressExpr(layout, 'walkEnd'),
    HEADER_SIZE: nat(f.headerSize, 'size'),
    USER_OFFSET: nat(f.userOffset, 'offset'),
    FRAG_OVERHEAD: nat(f.overhead, 'size'),
    ...sizeValues(layout),
    FRAG_SIZE: sizeExpr(layout),
    ROUND_TO: nat(f.roundTo, 'size'),
    DEBUG_FIELDS: f.debug ? '1' : '0',
    ...checkValues(layout),
    ...optionalLines(layout),
    PRINT_FRAGMENT: printFragment(layout),
    TYPE_LEGEND: typeLegend(layout),
  };
  const value = (name: string): string => {
    const text = values[name];
    if (text === undefined) throw new Error(`walk template: unknown placeholder {{${name}}}`);
    return text;
  };
  // A placeholder alone on its line takes the line's indentation for each of its lines, and when it
  // renders empty, takes its line with it.
  return template
    .replace(/^([ \t]*)\{\{([A-Z_]+)\}\}[ \t]*\n/gm, (_, indent: string, name: string) => {
      const text = value(name);
      return text === '' ? '' : `${text.split('\n').map((line) => indent + line).join('\n')}\n`;
    })
    .replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => value(name));
}

/**
 * The lines that find the block and name its manager. The symbol is looked up in kamheap's fixed
 * table (never user text): an API root names its manager in memory, a bare pointer's allocator is
 * written into the format as a fixed name.
 */
function rootValues(kind: HeapKind, root: ScriptParams['root'], layout: HeapLayout): Record<'ROOT_SYMBOL' | 'ROOT_ORIGIN' | 'SET_BLOCK' | 'MNAME_FORMAT' | 'MNAME_ARG', string> {
  const entry = heapRootSymbol(kind, root.symbol);
  const common = { ROOT_SYMBOL: entry.symbol, ROOT_ORIGIN: entry.origin };
  // A build with DWARF knows the root's type too: read it the way the wiki's script does.
  if (layout.types) {
    return entry.shape === 'api'
      ? { ...common, SET_BLOCK: `set $kh_block = (char *) ${entry.symbol}.mem_block`, MNAME_FORMAT: '%s', MNAME_ARG: `${entry.symbol}.mname, ` }
      : { ...common, SET_BLOCK: `set $kh_block = (char *) ${entry.symbol}`, MNAME_FORMAT: layout.allocator, MNAME_ARG: '' };
  }
  if (entry.shape === 'api') {
    return {
      ...common,
      SET_BLOCK: `set $kh_root = (char *) &${entry.symbol}\nset $kh_block = *(char **) ($kh_root + ${nat(layout.api.memBlock, 'offset')})`,
      MNAME_FORMAT: '%s',
      MNAME_ARG: `*(char **) ($kh_root + ${nat(layout.api.mname, 'offset')}), `,
    };
  }
  return { ...common, SET_BLOCK: `set $kh_block = *(char **) &${entry.symbol}`, MNAME_FORMAT: layout.allocator, MNAME_ARG: '' };
}

/** Reads the template shipped in gdb-scripts/. */
export function loadTemplate(): string {
  return readFileSync(join(packageRoot(), 'gdb-scripts', 'walk-fragments.gdb'), 'utf8');
}
