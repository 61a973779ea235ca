// What each number of the walk loop is, on a layout read from DWARF: comment lines naming the type
// and member at every offset the loop reads, and the sizes it adds. The loop itself holds only the
// numbers (script-expressions.ts says why), so this is where a reader finds
// `((struct qm_frag *) $kh_a)->size` again. Comments, not checks: a check names every member once
// more, and gdb looking up a name such as `file` reads in the debug info of hundreds of
// compilation units, which slows every line the loop parses afterwards.
import type { HeapLayout } from '../heap/layout.js';
import { gdbText, nat } from './script-expressions.js';

interface Row {
  base: '$kh_a' | '$kh_t' | '';
  offset: number;
  name: string;
  notes: string[];
}

/** The legend lines, above the loop; empty for a layout without types. */
export function typeLegend(layout: HeapLayout): string {
  const t = layout.types;
  if (!t) return '';
  const f = layout.fragment;
  const rows: Row[] = [];
  const add = (base: Row['base'], offset: number | undefined, name: string, note?: string): void => {
    if (offset === undefined) return;
    nat(offset, 'offset'); // checked, as every number put into the script
    let row = rows.find((r) => r.base === base && r.offset === offset && r.name === name);
    if (!row) rows.push((row = { base, offset, name, notes: [] }));
    if (note && !row.notes.includes(note)) row.notes.push(note);
  };
  const member = (base: '$kh_a' | '$kh_t', type: string | undefined, name: string | undefined, offset: number | undefined, note?: string): void => {
    if (type !== undefined && name !== undefined) add(base, offset, `((${gdbText(type, 'type')} *) ${base})->${gdbText(name, 'member')}`, note);
  };
  const bits = (mask: number | undefined): string => (mask === undefined ? '' : ` 0x${mask.toString(16)}`);
  const m = t.fragmentMembers;
  member('$kh_a', t.fragment, m.size, f.size.offset, f.size.flagBits ? `the size with bits${bits(f.size.flagBits)} cleared` : undefined);
  member('$kh_a', t.fragment, m.free, f.free.offset, f.free.mask === undefined ? 'set when free' : `bit${bits(f.free.mask)} set when free`);
  if (f.prevFree) member('$kh_a', t.fragment, m.prevFree, f.prevFree.offset, `bit${bits(f.prevFree.mask)} when the previous one is`);
  member('$kh_a', t.fragment, m.file, f.debug?.file);
  member('$kh_a', t.fragment, m.func, f.debug?.func);
  member('$kh_a', t.fragment, m.mname, f.debug?.mname);
  member('$kh_a', t.fragment, m.line, f.debug?.line.offset);
  for (const c of f.checks) member(c.inTrailer ? '$kh_t' : '$kh_a', c.inTrailer ? t.trailer : t.fragment, t.checkMembers[c.name], c.offset, `0x${c.value.toString(16)} when sound`);
  if (f.trailer && t.trailerOffset) add('', f.trailer.offset, gdbText(t.trailerOffset, 'expression'), 'the trailer, $kh_t, is at $kh_a + this + size');
  add('', f.overhead, gdbText(t.overhead, 'expression'), 'the next fragment is at $kh_a + this + size');
  const order: Array<Row['base']> = ['$kh_a', '$kh_t', ''];
  rows.sort((a, b) => order.indexOf(a.base) - order.indexOf(b.base) || (a.base ? a.offset - b.offset : 0));
  const place = (r: Row): string => (r.base ? `${r.base} + ${r.offset}` : String(r.offset));
  const width = Math.max(...rows.map((r) => place(r).length));
  return [
    "# The numbers the loop reads, as this binary's types name them:",
    ...rows.map((r) => `#   ${place(r).padEnd(width)}  ${r.name}${r.notes.length ? `: ${r.notes.join('; ')}` : ''}`),
    '',
  ].join('\n');
}
