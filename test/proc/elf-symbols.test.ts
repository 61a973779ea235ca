// Which names an executable defines, from its ELF symbol table, on real files of this machine:
// Debian's Kamailio (stripped: .dynsym only), a module importing the same name, libc, non-ELF files.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definedSymbols } from '../../src/proc/elf-symbols.js';

describe('definedSymbols', () => {
  it("finds the memory API in Debian's stripped kamailio", () => {
    expect(definedSymbols('/usr/sbin/kamailio', ['_pkg_root', '_shm_root', 'mem_block'])).toEqual(new Set(['_pkg_root', '_shm_root']));
  });

  it('does not count a name a file only imports (a Kamailio module uses _pkg_root, undefined there)', () => {
    expect(definedSymbols('/usr/lib/x86_64-linux-gnu/kamailio/modules/tm.so', ['_pkg_root'])).toEqual(new Set());
  });

  it("finds libc's own exports and no Kamailio in it", () => {
    expect(definedSymbols('/lib/x86_64-linux-gnu/libc.so.6', ['malloc', '_pkg_root'])).toEqual(new Set(['malloc']));
  });

  it('is empty for files that are no ELF, cut short, or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-elf-'));
    writeFileSync(join(dir, 'script'), '#!/bin/sh\n_pkg_root\0');
    writeFileSync(join(dir, 'cut'), Buffer.from('7f454c46020101', 'hex'));
    for (const file of ['script', 'cut', 'missing']) expect(definedSymbols(join(dir, file), ['_pkg_root'])).toEqual(new Set());
  });
});
