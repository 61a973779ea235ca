// Which of a few names an executable defines, read from its ELF symbol table without gdb: cheap
// enough to ask of every executable /proc lists. The dynamic one (.dynsym) when there is one: a
// Kamailio exports its core variables there for its modules, stripped or not, and it is small
// where .symtab can be tens of MB (node's). Only 64-bit little-endian ELF is read (kamheap
// supports x86-64); anything else defines nothing.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHN_UNDEF = 0;
const symbolSize = 24;
const sectionHeaderSize = 64;
/** A symbol or string table larger than this is not read (no executable kamheap looks for has one). */
const maxTableBytes = 64 * 1024 * 1024;

/** The subset of `names` the ELF file at `path` defines (symbols with a section, not imports). */
export function definedSymbols(path: string, names: readonly string[]): Set<string> {
  const found = new Set<string>();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return found;
  }
  try {
    const size = fstatSync(fd).size;
    const read = (offset: number, length: number): Buffer | undefined => {
      if (offset < 0 || length < 0 || length > maxTableBytes || offset + length > size) return undefined;
      const buffer = Buffer.alloc(length);
      return readSync(fd, buffer, 0, length, offset) === length ? buffer : undefined;
    };
    for (const table of symbolTables(read)) {
      for (const name of table(names)) found.add(name);
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

type Reader = (offset: number, length: number) => Buffer | undefined;

/** One lookup per symbol table of the file: given names, those it defines. */
function symbolTables(read: Reader): Array<(names: readonly string[]) => string[]> {
  const header = read(0, 64);
  // \x7fELF, class 2 (64-bit), data 1 (little-endian).
  if (!header || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return [];
  const sectionsAt = Number(header.readBigUInt64LE(40));
  const entrySize = header.readUInt16LE(58);
  const count = header.readUInt16LE(60);
  if (entrySize !== sectionHeaderSize) return [];
  const sections = read(sectionsAt, count * sectionHeaderSize);
  if (!sections) return [];
  const section = (i: number): { type: number; offset: number; size: number; link: number } => ({
    type: sections.readUInt32LE(i * sectionHeaderSize + 4),
    offset: Number(sections.readBigUInt64LE(i * sectionHeaderSize + 24)),
    size: Number(sections.readBigUInt64LE(i * sectionHeaderSize + 32)),
    link: sections.readUInt32LE(i * sectionHeaderSize + 40),
  });
  const all = Array.from({ length: count }, (_, i) => section(i)).filter((s) => (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) && s.link < count);
  const dynamic = all.filter((s) => s.type === SHT_DYNSYM);
  return (dynamic.length > 0 ? dynamic : all).map((symbols) => (names: readonly string[]) => definedIn(read, symbols, section(symbols.link), names));
}

/** The names one symbol table defines; its string table is searched first, so most files cost one read. */
function definedIn(read: Reader, symbols: { offset: number; size: number }, strings: { offset: number; size: number }, names: readonly string[]): string[] {
  const text = read(strings.offset, strings.size);
  if (!text) return [];
  const wanted = names.filter((name) => text.includes(`${name}\0`));
  if (wanted.length === 0) return [];
  const table = read(symbols.offset, symbols.size);
  if (!table) return [];
  const found: string[] = [];
  for (let at = 0; at + symbolSize <= table.length; at += symbolSize) {
    if (table.readUInt16LE(at + 6) === SHN_UNDEF) continue;
    const nameAt = table.readUInt32LE(at);
    const name = wanted.find((w) => nameAt + w.length < text.length && text[nameAt + w.length] === 0 && text.toString('latin1', nameAt, nameAt + w.length) === w);
    if (name !== undefined && !found.includes(name)) found.push(name);
  }
  return found;
}
