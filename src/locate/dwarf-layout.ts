// Derives a heap layout from the binary's DWARF through gdb (sizeof and member offsets), when the
// binary has debug info. Works on the executable alone, before attaching: it costs no pause.
import { GdbCommandError } from '../errors.js';
import { sendDataEvaluateExpression } from '../gdb/commands.js';
import type { GdbSession } from '../gdb/gdb-session.js';
import type { AllocatorName, CheckPattern, HeapLayout } from '../heap/layout.js';
import { memApiLayout, profileFor } from '../heap/layout-profiles.js';

/** Which DWARF types and members hold each field of a layout (data, one entry per allocator). */
interface DwarfRecipe {
  block: string;
  fragment: string;
  trailer: string;
  blockMembers: { size: string; used: string; realUsed: string; maxRealUsed: string; firstFrag: string; walkEnd: string };
  fragmentMembers: { size: string; isFree: string };
  debugMembers: { file: string; func: string; mname: string; line: string };
  checkMembers: Record<string, string>;
}

const recipes: Partial<Record<AllocatorName, DwarfRecipe>> = {
  q_malloc: {
    block: 'struct qm_block',
    fragment: 'struct qm_frag',
    trailer: 'struct qm_frag_end',
    blockMembers: { size: 'size', used: 'used', realUsed: 'real_used', maxRealUsed: 'max_real_used', firstFrag: 'first_frag', walkEnd: 'last_frag_end' },
    fragmentMembers: { size: 'size', isFree: 'u.is_free' },
    debugMembers: { file: 'file', func: 'func', mname: 'mname', line: 'line' },
    checkMembers: { check: 'check', check1: 'check1', check2: 'check2' },
  },
};

/** The DWARF layout for an allocator, or undefined when the binary has no such types. */
export async function dwarfLayout(gdb: GdbSession, allocator: AllocatorName, timeoutMs: number): Promise<HeapLayout | undefined> {
  const recipe = recipes[allocator];
  const profile = profileFor(allocator);
  if (!recipe || !profile) return undefined;
  const evaluate = async (expression: string): Promise<number | undefined> => {
    try {
      return Number(await sendDataEvaluateExpression(gdb, expression, timeoutMs));
    } catch (error) {
      if (error instanceof GdbCommandError) return undefined;
      throw error;
    }
  };
  const sizeOf = (type: string): Promise<number | undefined> => evaluate(`sizeof(${type})`);
  const offsetOf = (type: string, member: string): Promise<number | undefined> => evaluate(`(unsigned long)&((${type}*)0)->${member}`);
  const headerSize = await sizeOf(recipe.fragment);
  const trailerSize = await sizeOf(recipe.trailer);
  if (headerSize === undefined || trailerSize === undefined) return undefined;

  const block = await offsets(recipe.block, recipe.blockMembers, offsetOf);
  const fragment = await offsets(recipe.fragment, recipe.fragmentMembers, offsetOf);
  if (!block || !fragment) return undefined;
  const debug = await offsets(recipe.fragment, recipe.debugMembers, offsetOf);
  const checks: CheckPattern[] = [];
  for (const check of profile.fragment.checks) {
    const member = recipe.checkMembers[check.name];
    const offset = member === undefined ? undefined : await offsetOf(check.inTrailer ? recipe.trailer : recipe.fragment, member);
    if (offset !== undefined) checks.push({ ...check, offset });
  }
  return {
    id: `${allocator}/${debug ? 'dbg' : 'nodbg'}/dwarf`,
    allocator,
    source: 'dwarf',
    api: memApiLayout,
    block,
    fragment: { headerSize, trailerSize, ...fragment, ...(debug ? { debug } : {}), checks, roundTo: profile.fragment.roundTo },
  };
}

/** Resolves every member offset of a record, or undefined if any member is missing. */
async function offsets<K extends string>(
  type: string,
  members: Record<K, string>,
  offsetOf: (type: string, member: string) => Promise<number | undefined>,
): Promise<Record<K, number> | undefined> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(members) as K[]) {
    const offset = await offsetOf(type, members[key]);
    if (offset === undefined) return undefined;
    out[key] = offset;
  }
  return out;
}
