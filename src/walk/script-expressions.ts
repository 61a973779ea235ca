// The gdb expressions the walk script is filled with, built from a layout's numbers. Every number
// goes through `nat` (a checked non-negative integer) and every name is fixed here, so a layout can
// never put anything but arithmetic on target memory into the script.
import { KamheapError } from '../errors.js';
import type { AddressRule, CheckPattern, FlagField, HeapLayout, WordField } from '../heap/layout.js';

/** Renders a checked non-negative integer (what: for the error message). */
export type Nat = (value: number, what: string) => string;

/** A `nat` that throws a usage error for anything but a safe non-negative integer. */
export const nat: Nat = (value, what) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new KamheapError('usage', `invalid ${what}: ${value}`);
  return String(value);
};

/** A 4- or 8-byte unsigned field at `base + offset`. */
export function fieldExpr(base: '$kh_a' | '$kh_t', field: WordField): string {
  if (field.width !== 4 && field.width !== 8) throw new KamheapError('usage', `invalid field width: ${String(field.width)}`);
  return `*(unsigned ${field.width === 4 ? 'int' : 'long'} *) (${base} + ${nat(field.offset, 'offset')})`;
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

/** An address rule as a `char *` expression over $kh_block. */
export function addressExpr(rule: AddressRule): string {
  const word = rule.wordAt === undefined ? undefined : nat(rule.wordAt, 'offset');
  let expr: string;
  if (rule.fromBlock) expr = word === undefined ? '$kh_block' : `$kh_block + *(unsigned long *) ($kh_block + ${word})`;
  else expr = word === undefined ? '(char *) 0' : `*(char **) ($kh_block + ${word})`;
  return rule.add === 0 ? expr : `${expr} + ${nat(rule.add, 'offset')}`;
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

/** The whole-line commands that only some layouts need (empty: the line is left out). */
export function optionalLines(layout: HeapLayout): Record<'SET_TRAILER' | 'TRACK_PREV_FREE', string> {
  const f = layout.fragment;
  const pad = '  ';
  return {
    SET_TRAILER: f.trailer ? `${pad}set $kh_t = $kh_a + ${nat(f.trailer.offset, 'offset')} + $kh_size` : '',
    TRACK_PREV_FREE: f.prevFree ? `${pad}set $kh_pf = ${flagExpr(f.free)}` : '',
  };
}

/**
 * The printf lines for one fragment (gdb errors on a NULL %s): the site only when file and func are
 * set, the module only when the layout has an mname and it is set too (and, where free fragments
 * keep a stale mname, only for used fragments).
 */
export function printFragment(layout: HeapLayout): string {
  const f = layout.fragment;
  const pad = '    ';
  const common = `$kh_i, $kh_a, $kh_size, ${flagExpr(f.free)}`;
  if (!f.debug) return `${pad}printf "KH_F %d %lx %lu %d 0\\t\\t\\t\\n", ${common}`;
  const ptr = (offset: number): string => `*(char **) ($kh_a + ${nat(offset, 'offset')})`;
  const line = fieldExpr('$kh_a', f.debug.line);
  const file = ptr(f.debug.file);
  const func = ptr(f.debug.func);
  const withoutModule = [
    `${pad}if (${file} != 0 && ${func} != 0)`,
    `${pad}  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t\\n", ${common}, ${line}, ${file}, ${func}`,
    `${pad}else`,
    `${pad}  printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", ${common}, ${line}`,
    `${pad}end`,
  ];
  // Fragments without an mname (Kamailio 4.x): sites without a module.
  if (f.debug.mname === undefined) return withoutModule.join('\n');
  const mname = ptr(f.debug.mname);
  const used = f.debug.mnameInFree ? '' : `!(${flagExpr(f.free)}) && `;
  return [
    `${pad}if (${used}${file} != 0 && ${func} != 0 && ${mname} != 0)`,
    `${pad}  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t%s\\n", ${common}, ${line}, ${file}, ${func}, ${mname}`,
    `${pad}else`,
    ...withoutModule.map((l) => `  ${l}`),
    `${pad}end`,
  ].join('\n');
}

/** A low-32-bit mask in hex, refused when it is not one. */
function maskHex(mask: number): string {
  if (!Number.isSafeInteger(mask) || mask < 0 || mask > 0xffffffff) throw new KamheapError('usage', `invalid flag mask: ${mask}`);
  return mask.toString(16);
}
