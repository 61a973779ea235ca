// The process table's layout from the binary's own DWARF (sizeof and offsetof through gdb on the
// executable, as dwarf-layout.ts does for the heaps), else the release's profile: exact for this
// very build when it carries the types, never a guess when it does not.
import { GdbCommandError, KamheapError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import type { Evaluate } from './dwarf-layout.js';
import { memberSizeExpr, offsetOfExpr } from './dwarf-recipes.js';
import type { KamailioRelease } from './kamailio-release.js';
import { profileForRelease, type ProcessTableLayout } from './process-table-layouts.js';

const struct = 'struct process_table';

/** The layout `evaluate` reads from DWARF; undefined when the binary has no such type (stripped). */
export async function processTableFromDwarf(evaluate: Evaluate): Promise<ProcessTableLayout | undefined> {
  // One probe first: a stripped binary answers no more questions.
  const size = await evaluate(`sizeof(${struct})`);
  if (size === undefined) return undefined;
  const pid = await evaluate(offsetOfExpr(struct, 'pid'));
  const pidWidth = await evaluate(memberSizeExpr(struct, 'pid'));
  const desc = await evaluate(offsetOfExpr(struct, 'desc'));
  const descLength = await evaluate(memberSizeExpr(struct, 'desc'));
  // rank came with 5.3; an older struct simply has none.
  const rank = await evaluate(offsetOfExpr(struct, 'rank'));
  const rankWidth = rank === undefined ? undefined : await evaluate(memberSizeExpr(struct, 'rank'));
  const fits = (offset: number, width: number): boolean => offset + width <= size;
  if (pid === undefined || pidWidth !== 4 || !fits(pid, 4) || desc === undefined || descLength === undefined || descLength < 2 || !fits(desc, descLength) || (rank !== undefined && (rankWidth !== 4 || !fits(rank, 4)))) {
    // The type is there but not as any Kamailio release declares it: reading it would be a guess.
    throw new KamheapError('heap-not-found', `this binary's ${struct} has no int pid and char desc[] kamheap can read (sizeof ${size})`);
  }
  return { id: 'pt/dwarf', source: 'dwarf', size, pid, ...(rank === undefined ? {} : { rank }), desc, descLength };
}

/** DWARF first, then the release's profile; a one-line refusal (exit 13) when kamheap knows neither. */
export async function chooseProcessTableLayout(gdb: SymbolSource, release: KamailioRelease, timeoutMs: number): Promise<ProcessTableLayout> {
  return (await processTableFromDwarf(gdbEvaluate(gdb, timeoutMs))) ?? profileForRelease(release);
}

/** gdb's answer as a number; undefined where the binary does not know the type or member. */
function gdbEvaluate(gdb: SymbolSource, timeoutMs: number): Evaluate {
  return async (expression) => {
    try {
      const value = Number(await gdb.evaluate(expression, timeoutMs));
      return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    } catch (error) {
      if (error instanceof GdbCommandError) return undefined;
      throw error;
    }
  };
}
