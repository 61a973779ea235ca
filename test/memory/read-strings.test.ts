// readCString and resolveStrings over a fake address space of 4 KiB pages, some of them unmapped,
// as the debug-field strings sit in kamailio's read-only data next to unmapped gaps.
import { describe, expect, it } from 'vitest';
import { MemoryReadError } from '../../src/errors.js';
import type { RawMemory } from '../../src/memory/proc-mem.js';
import { readCString, StringTable } from '../../src/memory/read-strings.js';

const page = 0x1000n;
const text0 = 0x55d0c0a00000n;

/** Mapped pages filled with `fill`, each read logged; reads touching an unmapped page throw. */
class FakePages implements RawMemory {
  readonly log: Array<[bigint, number]> = [];
  private readonly pages = new Map<bigint, Buffer>();

  constructor(
    mapped: bigint[],
    fill = 0x61,
    private readonly async = false,
  ) {
    for (const start of mapped) this.pages.set(start, Buffer.alloc(Number(page), fill));
  }

  // Writes bytes at an address inside mapped pages.
  put(address: bigint, bytes: Buffer | string): this {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    data.forEach((byte, i) => {
      const at = address + BigInt(i);
      const target = this.pages.get(at - (at % page));
      if (!target) throw new Error(`test setup: 0x${at.toString(16)} is not mapped`);
      target[Number(at % page)] = byte;
    });
    return this;
  }

  // Reads [address, address + length) or throws MemoryReadError, like /proc/PID/mem.
  read(address: bigint, length: number): Buffer | Promise<Buffer> {
    this.log.push([address, length]);
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      const at = address + BigInt(i);
      const source = this.pages.get(at - (at % page));
      if (!source) throw new MemoryReadError(address, length);
      out[i] = source[Number(at % page)] ?? 0;
    }
    return this.async ? Promise.resolve(out) : out;
  }

  close(): void {}
}

/** A NUL-terminated C string. */
function cstr(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

describe('readCString', () => {
  it.each([false, true])('reads a string inside one page (async memory: %s)', async (async) => {
    const memory = new FakePages([text0], 0x61, async).put(text0 + 0x100n, cstr('htable: ht_api.c'));
    expect(await readCString(memory, text0 + 0x100n)).toBe('htable: ht_api.c');
    expect(memory.log).toEqual([[text0 + 0x100n, 256]]);
  });

  it.each<[string, bigint]>([
    ['starting 10 bytes before a page end', page - 10n],
    ['starting on the last byte of a page', page - 1n],
    ['with its NUL on the first byte of the next page', page - 16n],
    ['starting right on a page boundary', page],
  ])('reads a string across page boundaries, %s', async (_what, offset) => {
    const start = text0 + offset;
    const memory = new FakePages([text0, text0 + page]).put(start, cstr('core: core/timer'));
    expect(await readCString(memory, start)).toBe('core: core/timer');
    for (const [address, length] of memory.log) {
      // no read ever straddles a page boundary
      expect((address % page) + BigInt(length)).toBeLessThanOrEqual(page);
    }
  });

  it('decodes UTF-8 split across two reads', async () => {
    // "caf" and the first byte of "é" end one page, its second byte starts the next
    const start = text0 + page - 4n;
    const memory = new FakePages([text0, text0 + page]).put(start, cstr('caféstr'));
    expect(await readCString(memory, start)).toBe('caféstr');
  });

  it('stops at a string ending right before an unmapped page without touching it', async () => {
    const start = text0 + page - 8n;
    const memory = new FakePages([text0]).put(start, cstr('ut.h.c!'));
    expect(await readCString(memory, start)).toBe('ut.h.c!');
    expect(memory.log).toEqual([[start, 8]]);
  });

  it('gives undefined when the string runs into an unmapped page', async () => {
    const memory = new FakePages([text0]);
    expect(await readCString(memory, text0 + page - 20n)).toBeUndefined();
    expect(memory.log.map(([a]) => a)).toEqual([text0 + page - 20n, text0 + page]);
  });

  it('gives undefined when no NUL comes within 4096 bytes', async () => {
    const memory = new FakePages([text0, text0 + page, text0 + 2n * page]);
    expect(await readCString(memory, text0 + 5n)).toBeUndefined();
    const read = memory.log.reduce((sum, [, length]) => sum + length, 0);
    expect(read).toBeGreaterThanOrEqual(4096);
    expect(read).toBeLessThan(4096 + 256);
  });

  it('reads a string of 4095 characters', async () => {
    const memory = new FakePages([text0, text0 + page, text0 + 2n * page]).put(text0 + 4095n, Buffer.from([0]));
    expect(await readCString(memory, text0)).toBe('a'.repeat(4095));
  });

  it.each<[string, bigint]>([
    ['an unmapped pointer', 0xdeadbeef000n],
    ['a pointer into the gap after the mapping', text0 + page + 8n],
  ])('gives undefined for %s', async (_what, address) => {
    expect(await readCString(new FakePages([text0]), address)).toBeUndefined();
  });

  it('gives undefined for NULL without reading', async () => {
    const memory = new FakePages([text0]);
    expect(await readCString(memory, 0n)).toBeUndefined();
    expect(memory.log).toEqual([]);
  });

  it('gives undefined when the memory rejects asynchronously', async () => {
    const memory: RawMemory = { read: (address, length) => Promise.reject(new MemoryReadError(address, length)), close() {} };
    expect(await readCString(memory, text0)).toBeUndefined();
  });

  it('reads an empty string', async () => {
    expect(await readCString(new FakePages([text0]).put(text0, Buffer.from([0])), text0)).toBe('');
  });
});

describe('StringTable', () => {
  it('reads each distinct pointer once and maps unreadable ones to the empty string', async () => {
    const file = text0 + 0x10n;
    const func = text0 + 0x40n;
    const memory = new FakePages([text0]).put(file, cstr('htable: ht_api.c')).put(func, cstr('ht_cell_new'));
    const table = new StringTable(memory);
    await table.load([file, func, file, 0n, 0xbadn].map(Number));
    expect(table.ready(Number(func), Number(file))).toBeUndefined();
    expect(table.text(Number(func))).toBe('ht_cell_new');
    expect([file, func, 0n, 0xbadn].map((p) => table.text(Number(p)))).toEqual(['htable: ht_api.c', 'ht_cell_new', '', '']);
    expect(table.text(Number(text0 + 0x99n))).toBe('');
    expect(memory.log.map(([a]) => a)).toEqual([file, func, 0xbadn]);
  });

  it('answers pointers read before without a promise, new ones with one', async () => {
    const file = text0 + 0x10n;
    const func = text0 + 0x40n;
    const memory = new FakePages([text0]).put(file, cstr('tm: h_table.c')).put(func, cstr('build_cell'));
    const table = new StringTable(memory);
    const first = table.ready(Number(file), Number(func));
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(table.text(Number(file))).toBe('tm: h_table.c');
    expect(table.ready(Number(file), Number(func))).toBeUndefined();
    expect(table.text(Number(func))).toBe('build_cell');
    expect(memory.log.map(([a]) => a)).toEqual([file, func]);
  });
});
