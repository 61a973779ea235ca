import { describe, expect, it } from 'vitest';
import { siteFileName, siteFileText, siteString } from '../../src/snapshot/site-string.js';

describe('siteString', () => {
  it.each([
    // Kamailio 5.x/6.x: FILE already carries the module (`_SRC_LOC_`), as qm_status prints it.
    [{ module: 'tm', file: 'tm: h_table.c', function: 'build_cell', line: 334 }, 'tm: h_table.c: build_cell(334)'],
    [{ module: 'core', file: 'core: core/pvapi.c', function: 'pv_parse_format', line: 1173 }, 'core: core/pvapi.c: pv_parse_format(1173)'],
    // Older FILE strings without the module: the module is added once.
    [{ module: 'usrloc', file: 'ucontact.c', function: 'new_ucontact', line: 90 }, 'usrloc: ucontact.c: new_ucontact(90)'],
    // No module known.
    [{ module: '', file: 'mem/q_malloc.c', function: 'qm_malloc', line: 1 }, 'mem/q_malloc.c: qm_malloc(1)'],
    // A module whose name is only a prefix of FILE's first word is not FILE's module.
    [{ module: 'tm', file: 'tmx: t_var.c', function: 'f', line: 2 }, 'tm: tmx: t_var.c: f(2)'],
    [{ module: '', file: '', function: '', line: 0, sizeClass: '65-128' }, '(no debug fields) size 65-128'],
  ])('%j -> %s', (site, text) => {
    expect(siteString(site)).toBe(text);
  });

  it('splits FILE from its module for views with a module column', () => {
    expect(siteFileName({ module: 'tm', file: 'tm: h_table.c' })).toBe('h_table.c');
    expect(siteFileName({ module: 'usrloc', file: 'ucontact.c' })).toBe('ucontact.c');
    expect(siteFileText({ module: 'usrloc', file: 'ucontact.c' })).toBe('usrloc: ucontact.c');
  });
});
