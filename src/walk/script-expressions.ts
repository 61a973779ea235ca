// The gdb expressions the walk script is filled with, built from a layout. The loop reads every
// fragment by its offsets (`*(unsigned long *) ($kh_a + 0)`), on every build: in a loop, gdb parses
// each line again for every fragment and looks up each name in it, which costs milliseconds for a
// type and tens of microseconds for a member or a convenience variable on a build with debug info
// (measured: README, "script and parse"), so the loop holds numbers only. A layout read from DWARF
// names its types and members, and the header reads the block through them as the wiki's script
// does (`((struct qm_block *) $kh_block)->first_frag`); `script-type-checks.ts` names each of the
// loop's numbers. Every number goes through `nat` (a checked non-negative integer) and every name
// through `gdbText` (identifiers, sizeof arithmetic and member paths only), so a layout can never
// put anything but arithmetic on target memory into the script.
import { KamheapError } from '../errors.js';
import type { AddressRule, CheckPattern, FlagField, HeapLayout, LayoutTypes, WordField } from '../heap/layout.js';

/** Renders a checked non-negative integer (what: for the error message). */
export type Nat = (value: number, what: string) => string;

/** A `nat` that throws a usage error for anything but a safe non-negative integer. */
export const nat: Nat = (value, what) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new KamheapError('usage', `invalid ${what}: ${value}`);
  return String(value);
};

/**
 * A type, member path or sizeof expression from a DWARF layout, refused unless it is made of C
 * identifiers, numbers, spaces and `. * & ( ) + - >`: no quotes, newlines or gdb variables.
 */
export function gdbText(text: string, what: string): string {
  if (!/^[A-Za-z0-9_ .*&()+\->]+$/.test(text)) throw new KamheapError('bad-input', `invalid ${what} in layout: ${JSON.stringify(text)}`);
  return text;
}

type Base = '$kh_a' | '$kh_t' | '$kh_block';

/** A 4- or 8-byte unsigned field at `base + offset`. */
export function fieldExpr(base: Base, field: WordField): string {
  if (field.width !== 4 && field.width !== 8) throw new KamheapError('usage', `invalid field width: ${String(field.width)}`);
  return `*(unsigned ${field.width === 4 ? 'int' : 'long'} *) (${base} + ${nat(field.offset, 'offset')})`;
}

/** `((type *) base)->member`. */
function memberExpr(base: Base, type: string, member: string): string {
  return `((${gdbText(type, 'type')} *) ${base})->${gdbText(member, 'member')}`;
}

/** A pointer field of the fragment at $kh_a (file, func, mname), as a `char *`. */
function fragmentPointer(offset: number): string {
  return `*(char **) ($kh_a + ${nat(offset, 'offset')})`;
}

/** 1 when the flag is set in the fragment at $kh_a, else 0. */
export function flagExpr(field: FlagField): string {
  const word = fieldExpr('$kh_a', field);
  return field.mask === undefined ? `${word} != 0` : `(${word} & 0x${maskHex(field.mask)}) != 0`;
}

/** The fragment's size without its flag bits. */
export function sizeExpr(layout: HeapLayout): string {
  const { offset, flagBits } = layout.fragment.size;
  const word = fieldExpr('$kh_a', { offset, width: 8 });
  if (flagBits === 0) return word;
  const keep = ~BigInt(`0x${maskHex(flagBits)}`) & 0xffffffffffffffffn;
  return `${word} & 0x${keep.toString(16)}`;
}

/** The heap totals (size, used, real used, max real used) as printf arguments. */
export function totalsExpr(layout: HeapLayout): string {
  const b = layout.block;
  const t = layout.types;
  const word = (offset: number, member: keyof LayoutTypes['blockMembers']): string =>
    t ? memberExpr('$kh_block', t.block, t.blockMembers[member]) : fieldExpr('$kh_block', { offset, width: 8 });
  return [word(b.size, 'size'), word(b.used, 'used'), word(b.realUsed, 'realUsed'), word(b.maxRealUsed, 'maxRealUsed')].join(', ');
}

/** An address rule as a `char *` expression over $kh_block (the walk's first fragment or end). */
export function addressExpr(layout: HeapLayout, which: 'firstFrag' | 'walkEnd'): string {
  const rule: AddressRule = layout.block[which];
  const typed = layout.types?.[which];
  if (layout.types && typed) {
    const base = rule.fromBlock ? '$kh_block' : '(char *) 0';
    const word = typed.member === undefined ? undefined : memberExpr('$kh_block', layout.types.block, typed.member);
    let expr = word === undefined ? base : rule.fromBlock ? `${base} + ${word}` : `(char *) ${word}`;
    if (typed.add !== '0') expr = `${expr} + (${gdbText(typed.add, 'expression')})`;
    return expr;
  }
  const word = rule.wordAt === undefined ? undefined : nat(rule.wordAt, 'offset');
  let expr: string;
  if (rule.fromBlock) expr = word === undefined ? '$kh_block' : `$kh_block + *(unsigned long *) ($kh_block + ${word})`;
  else expr = word === undefined ? '(char *) 0' : `*(char **) ($kh_block + ${word})`;
  return rule.add === 0 ? expr : `${expr} + ${nat(rule.add, 'offset')}`;
}

/** Bytes a fragment takes besides its size (a number: the loop adds it), and the trailer's size (read once). */
export function sizeValues(layout: HeapLayout): Record<'OVERHEAD' | 'TRAILER_SIZE', string> {
  const f = layout.fragment;
  const trailer = layout.types?.trailer;
  return {
    OVERHEAD: nat(f.overhead, 'size'),
    TRAILER_SIZE: f.trailer && trailer ? `sizeof(${gdbText(trailer, 'type')})` : nat(f.trailer?.size ?? 0, 'size'),
  };
}

/** The condition, format and arguments that report a broken check word or prev-free flag. */
export function checkValues(layout: HeapLayout): Record<'CHECKS_BROKEN' | 'CHECKS_FORMAT' | 'CHECKS_ARGS', string> {
  const f = layout.fragment;
  const word = (c: CheckPattern): string => fieldExpr(c.inTrailer ? '$kh_t' : '$kh_a', c);
  for (const c of f.checks) if (!/^[a-z0-9_]+$/.test(c.name)) throw new KamheapError('bad-input', `invalid check name ${c.name}`);
  const terms = f.checks.map((c) => ({ broken: `${word(c)} != 0x${c.value.toString(16)}`, format: ` ${c.inTrailer ? 'end' : 'start'}:${c.name}=%lx`, args: `, ${word(c)}` }));
  if (f.prevFree) {
    const flag = `(${flagExpr(f.prevFree)})`;
    terms.push({ broken: `${flag} != $kh_pf`, format: ' prev-free=%d previous-free=%d', args: `, ${flag}, $kh_pf` });
  }
  if (terms.length === 0) return { CHECKS_BROKEN: '0', CHECKS_FORMAT: '', CHECKS_ARGS: '' };
  return {
    CHECKS_BROKEN: terms.map((t) => t.broken).join(' || '),
    CHECKS_FORMAT: terms.map((t) => t.format).join(''),
    CHECKS_ARGS: terms.map((t) => t.args).join(''),
  };
}

/** The whole-line commands that only some layouts need (empty: the line is left out; the template indents them). */
export function optionalLines(layout: HeapLayout): Record<'SET_TRAILER' | 'TRACK_PREV_FREE', string> {
  const f = layout.fragment;
  return {
    SET_TRAILER: f.trailer ? `set $kh_t = $kh_a + ${nat(f.trailer.offset, 'offset')} + $kh_size` : '',
    TRACK_PREV_FREE: f.prevFree ? `set $kh_pf = ${flagExpr(f.free)}` : '',
  };
}

/**
 * The printf lines for one fragment (gdb errors on a NULL %s): the site only when file and func are
 * set, the module only when the layout has an mname and it is set too (and, where free fragments
 * keep a stale mname, only for used fragments).
 */
export function printFragment(layout: HeapLayout): string {
  const f = layout.fragment;
  const free = flagExpr(f.free);
  const common = `$kh_i, $kh_a, $kh_size, ${free}`;
  if (!f.debug) return `printf "KH_F %d %lx %lu %d 0\\t\\t\\t\\n", ${common}`;
  const line = fieldExpr('$kh_a', f.debug.line);
  const file = fragmentPointer(f.debug.file);
  const func = fragmentPointer(f.debug.func);
  const withoutModule = [
    `if (${file} != 0 && ${func} != 0)`,
    `  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t\\n", ${common}, ${line}, ${file}, ${func}`,
    `else`,
    `  printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", ${common}, ${line}`,
    `end`,
  ];
  // Fragments without an mname (Kamailio 4.x): sites without a module.
  if (f.debug.mname === undefined) return withoutModule.join('\n');
  const mname = fragmentPointer(f.debug.mname);
  const used = f.debug.mnameInFree ? '' : `!(${free}) && `;
  return [
    `if (${used}${file} != 0 && ${func} != 0 && ${mname} != 0)`,
    `  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t%s\\n", ${common}, ${line}, ${file}, ${func}, ${mname}`,
    `else`,
    ...withoutModule.map((l) => `  ${l}`),
    `end`,
  ].join('\n');
}

/** A low-32-bit mask in hex, refused when it is not one. */
function maskHex(mask: number): string {
  if (!Number.isSafeInteger(mask) || mask < 0 || mask > 0xffffffff) throw new KamheapError('usage', `invalid flag mask: ${mask}`);
  return mask.toString(16);
}
