// The seed loop's template filling, output check and extrapolation (no gdb here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchAsset } from '../../bench/assets.js';
import { countFragments, extrapolateSeed, renderSeedLoop } from '../../bench/seed-loop.js';

const template = readFileSync(benchAsset('seed-loop.gdb'), 'utf8');

describe('renderSeedLoop', () => {
  it('walks shm through _shm_root to the heap end by default', () => {
    const script = renderSeedLoop(template);
    expect(script).toContain('set $blk = *(char **) ((char *) &_shm_root + 16)');
    expect(script).toContain('while ($a < $end)\n');
    expect(script).not.toMatch(/\{\{[A-Z_]+\}\}/);
  });

  it('walks pkg through _pkg_root, and stops after `limit` fragments when given one', () => {
    const script = renderSeedLoop(template, 'pkg', 20_000);
    expect(script).toContain('set $blk = *(char **) ((char *) &_pkg_root + 16)');
    expect(script).toContain('while ($a < $end && $i < 20000)\n');
  });
});

// Output as the loop prints it: fragment lines, then SEED_END.
function output(count: number, at: bigint, end: bigint): string {
  const lines = Array.from({ length: count }, (_, i) => `${i} ${(0x1000n + BigInt(i) * 200n).toString(16)} 96 core/mem/shm.c shm_malloc 42`);
  return `${[...lines, `SEED_END walked=${count} at=${at.toString(16)} end=${end.toString(16)}`].join('\n')}\n`;
}

describe('countFragments', () => {
  it('accepts a walk that reached last_frag_end + 48', () => {
    expect(countFragments(output(3, 0x2030n, 0x2000n))).toEqual({ fragments: 3, reachedEnd: true });
  });

  it('refuses a walk that stopped short of the end without a limit', () => {
    expect(() => countFragments(output(3, 0x1800n, 0x2000n))).toThrow(/not at the heap end/);
  });

  it('accepts a bounded walk that stopped at its limit, or at the end before it', () => {
    expect(countFragments(output(3, 0x1800n, 0x2000n), '', 3)).toEqual({ fragments: 3, reachedEnd: false });
    expect(countFragments(output(2, 0x2030n, 0x2000n), '', 3)).toEqual({ fragments: 2, reachedEnd: true });
  });

  it('refuses a bounded walk that stopped before its limit inside the heap', () => {
    expect(() => countFragments(output(2, 0x1800n, 0x2000n), '', 3)).toThrow(/nor at the limit 3/);
  });

  it('refuses gaps in the indices and a missing SEED_END', () => {
    expect(() => countFragments('0 1000 8 a b 1\n2 1100 8 a b 1\n')).toThrow(/fragment line 1 has index 2/);
    expect(() => countFragments('0 1000 8 a b 1\n')).toThrow(/no SEED_END/);
  });
});

describe('extrapolateSeed', () => {
  it('scales the stop by the fragment count and keeps the start-up once', () => {
    // 20,000 fragments: 8.0 s stopped in 8.3 s of gdb; 4,500,000 fragments: 225x the stop
    expect(extrapolateSeed({ wallMs: 8_300, stoppedMs: 8_000, fragments: 20_000 }, 4_500_000)).toEqual({ wallMs: 1_800_300, stoppedMs: 1_800_000 });
  });

  it('scales the wall time when no stop was seen', () => {
    expect(extrapolateSeed({ wallMs: 1_000, stoppedMs: null, fragments: 10 }, 100)).toEqual({ wallMs: 10_000, stoppedMs: null });
  });

  it('refuses an empty sample', () => {
    expect(() => extrapolateSeed({ wallMs: 1, stoppedMs: 1, fragments: 0 }, 10)).toThrow(/nothing walked/);
  });
});
