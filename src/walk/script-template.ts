// Fills gdb-scripts/walk-fragments.gdb for one heap. Every value put into the script is a number
// checked here, a name from a fixed set, or a layout id made of [a-z0-9_/]: no user text reaches gdb.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KamheapError } from '../errors.js';
import type { HeapLayout } from '../heap/layout.js';
import { rootSymbols } from '../locate/locate-heap.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import { packageRoot, toolVersion } from '../util/version.js';

export interface ScriptParams {
  pid: number;
  kind: HeapKind;
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
  const nat = (value: number, what: string): string => {
    if (!Number.isSafeInteger(value) || value < 0) throw new KamheapError('usage', `invalid ${what}: ${value}`);
    return String(value);
  };
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
    ROOT_SYMBOL: rootSymbols[params.kind],
    API_MNAME: nat(layout.api.mname, 'offset'),
    API_MEM_BLOCK: nat(layout.api.memBlock, 'offset'),
    BLOCK_SIZE: nat(layout.block.size, 'offset'),
    BLOCK_USED: nat(layout.block.used, 'offset'),
    BLOCK_REAL_USED: nat(layout.block.realUsed, 'offset'),
    BLOCK_MAX_REAL_USED: nat(layout.block.maxRealUsed, 'offset'),
    BLOCK_FIRST_FRAG: nat(layout.block.firstFrag, 'offset'),
    BLOCK_WALK_END: nat(layout.block.walkEnd, 'offset'),
    HEADER_SIZE: nat(f.headerSize, 'size'),
    TRAILER_SIZE: nat(f.trailerSize, 'size'),
    FRAG_SIZE: nat(f.size, 'offset'),
    ROUND_TO: nat(f.roundTo, 'size'),
    DEBUG_FIELDS: f.debug ? '1' : '0',
    ...checkValues(layout, nat),
    PRINT_FRAGMENT: printFragment(layout, nat),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`walk template: unknown placeholder {{${name}}}`);
    return value;
  });
}

/** Reads the template shipped in gdb-scripts/. */
export function loadTemplate(): string {
  return readFileSync(join(packageRoot(), 'gdb-scripts', 'walk-fragments.gdb'), 'utf8');
}

type Nat = (value: number, what: string) => string;

/** The condition, format and arguments that report a broken check word. */
function checkValues(layout: HeapLayout, nat: Nat): Record<string, string> {
  const f = layout.fragment;
  const word = (c: HeapLayout['fragment']['checks'][number]): string =>
    c.inTrailer ? `*(unsigned long *) ($kh_t + ${nat(c.offset, 'offset')})` : `*(unsigned long *) ($kh_a + ${nat(c.offset, 'offset')})`;
  if (f.checks.length === 0) return { CHECKS_BROKEN: '0', CHECKS_FORMAT: '', CHECKS_ARGS: '' };
  return {
    CHECKS_BROKEN: f.checks.map((c) => `${word(c)} != 0x${c.value.toString(16)}`).join(' || '),
    CHECKS_FORMAT: f.checks.map((c) => ` ${c.inTrailer ? 'end' : 'start'}:${c.name}=%lx`).join(''),
    CHECKS_ARGS: f.checks.map((c) => `, ${word(c)}`).join(''),
  };
}

/** The printf lines for one fragment; strings only when their pointers are set (gdb errors on NULL). */
function printFragment(layout: HeapLayout, nat: Nat): string {
  const f = layout.fragment;
  const pad = '    ';
  const common = `$kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + ${nat(f.isFree, 'offset')}) != 0`;
  if (!f.debug) return `${pad}printf "KH_F %d %lx %lu %d 0\\t\\t\\t\\n", ${common}`;
  const ptr = (offset: number): string => `*(char **) ($kh_a + ${nat(offset, 'offset')})`;
  const line = `*(unsigned long *) ($kh_a + ${nat(f.debug.line, 'offset')})`;
  const file = ptr(f.debug.file);
  const func = ptr(f.debug.func);
  const mname = ptr(f.debug.mname);
  return [
    `${pad}if (${file} != 0 && ${func} != 0 && ${mname} != 0)`,
    `${pad}  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t%s\\n", ${common}, ${line}, ${file}, ${func}, ${mname}`,
    `${pad}else`,
    `${pad}  printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", ${common}, ${line}`,
    `${pad}end`,
  ].join('\n');
}
