// Derives a heap layout from the binary's DWARF through gdb (sizeof and member offsets), when the
// binary has debug info. Works on the executable alone, before attaching: it costs no pause.
import { GdbCommandError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import type { AddressRule, AllocatorName, CheckPattern, FlagField, FragmentLayout, HeapLayout, WordField } from '../heap/layout.js';
import { memApiLayout, profileFor, type LayoutEra } from '../heap/layout-profiles.js';
import { dwarfRecipes, memberSizeExpr, offsetOfExpr, type DwarfRecipe, type RuleRecipe } from './dwarf-recipes.js';

/** Evaluates a gdb expression to a number; undefined when the binary does not know its types. */
export type Evaluate = (expression: string) => Promise<number | undefined>;

/** The DWARF layout for an allocator, or undefined when the binary has no such types. */
export async function dwarfLayout(gdb: SymbolSource, allocator: AllocatorName, era: LayoutEra | undefined, timeoutMs: number): Promise<HeapLayout | undefined> {
  return layoutFromDwarf(allocator, era, async (expression) => {
    try {
      const value = Number(await gdb.evaluate(expression, timeoutMs));
      return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    } catch (error) {
      if (error instanceof GdbCommandError) return undefined;
      throw error;
    }
  });
}

/**
 * Builds the layout from a recipe's expressions, the built-in profile of the release's era filling
 * what DWARF cannot say (check values, flag masks, ROUNDTO; an unknown era takes 5.0's, whose
 * ROUNDTO of 8 every later size is a multiple of too).
 */
export async function layoutFromDwarf(allocator: AllocatorName, era: LayoutEra | undefined, evaluate: Evaluate, recipe: DwarfRecipe = dwarfRecipes[allocator]): Promise<HeapLayout | undefined> {
  // One probe first: a stripped binary (or one without this allocator) answers no more questions.
  if ((await evaluate(`sizeof(${recipe.fragment})`)) === undefined) return undefined;
  const hasDebug = (await evaluate(offsetOfExpr(recipe.fragment, recipe.debugMembers.file))) !== undefined;
  const profile = profileFor(allocator, era ?? '5.0', hasDebug);
  if (!profile) return undefined;
  const offsetOf = (member: string, type = recipe.fragment): Promise<number | undefined> => evaluate(offsetOfExpr(type, member));
  const field = async (member: string): Promise<WordField | undefined> => {
    const [offset, width] = [await offsetOf(member), await evaluate(memberSizeExpr(recipe.fragment, member))];
    return offset === undefined || (width !== 4 && width !== 8) ? undefined : { offset, width };
  };
  /** The flag in the first of the members DWARF knows, and that member. */
  const flag = async (members: string | readonly string[], profileFlag: FlagField): Promise<{ member: string; field: FlagField } | undefined> => {
    for (const member of typeof members === 'string' ? [members] : members) {
      const found = await field(member);
      if (found) return { member, field: { ...found, ...(profileFlag.mask === undefined ? {} : { mask: profileFlag.mask }) } };
    }
    return undefined;
  };
  const totals = await numbers(recipe.totals, (member) => offsetOf(member, recipe.block));
  const firstFrag = await rule(recipe.firstFrag, recipe, evaluate);
  const walkEnd = await rule(recipe.walkEnd, recipe, evaluate);
  const sizes = await numbers({ headerSize: recipe.headerSize, userOffset: recipe.userOffset, overhead: recipe.overhead }, evaluate);
  const sizeOffset = await offsetOf(recipe.members.size);
  const free = await flag(recipe.members.free, profile.fragment.free);
  const prevFree = recipe.members.prevFree && profile.fragment.prevFree ? (await flag(recipe.members.prevFree, profile.fragment.prevFree))?.field : undefined;
  const trailer = await trailerOf(recipe, evaluate);
  if (!totals || !firstFrag || !walkEnd || !sizes || sizeOffset === undefined || !free || trailer === null) return undefined;
  const debugOffsets = await numbers({ file: recipe.debugMembers.file, func: recipe.debugMembers.func }, (m) => offsetOf(m));
  const line = await field(recipe.debugMembers.line);
  // Kamailio 4.x fragments record file, function and line but no module.
  const mname = await offsetOf(recipe.debugMembers.mname);
  const debug = debugOffsets && line ? { ...debugOffsets, ...(mname === undefined ? {} : { mname }), line, mnameInFree: profile.fragment.debug?.mnameInFree ?? true } : undefined;
  const checks: CheckPattern[] = [];
  const checkMembers: Record<string, string> = {};
  for (const check of profile.fragment.checks) {
    const member = recipe.checkMembers[check.name];
    const type = check.inTrailer ? recipe.trailer : recipe.fragment;
    if (member === undefined || type === undefined) continue;
    const offset = await offsetOf(member, type);
    const width = await evaluate(memberSizeExpr(type, member));
    if (offset !== undefined && (width === 4 || width === 8)) {
      checks.push({ ...check, offset, width });
      checkMembers[check.name] = member;
    }
  }
  const fragment: FragmentLayout = {
    ...sizes,
    ...(trailer ? { trailer } : {}),
    size: { offset: sizeOffset, flagBits: profile.fragment.size.flagBits },
    free: free.field,
    ...(prevFree ? { prevFree } : {}),
    ...(debug ? { debug } : {}),
    checks,
    roundTo: profile.fragment.roundTo,
  };
  return {
    id: `${allocator}/${debug ? 'dbg' : 'nodbg'}/dwarf`,
    allocator,
    source: 'dwarf',
    api: memApiLayout,
    block: { ...totals, firstFrag, walkEnd },
    fragment,
    types: {
      block: recipe.block,
      fragment: recipe.fragment,
      ...(trailer && recipe.trailer ? { trailer: recipe.trailer } : {}),
      blockMembers: recipe.totals,
      firstFrag: { ...(recipe.firstFrag.wordMember ? { member: recipe.firstFrag.wordMember } : {}), add: recipe.firstFrag.add ?? '0' },
      walkEnd: { ...(recipe.walkEnd.wordMember ? { member: recipe.walkEnd.wordMember } : {}), add: recipe.walkEnd.add ?? '0' },
      fragmentMembers: {
        size: recipe.members.size,
        free: free.member,
        ...(prevFree && recipe.members.prevFree ? { prevFree: recipe.members.prevFree } : {}),
        ...(debug ? { file: recipe.debugMembers.file, func: recipe.debugMembers.func, line: recipe.debugMembers.line } : {}),
        ...(debug?.mname !== undefined ? { mname: recipe.debugMembers.mname } : {}),
      },
      checkMembers,
      overhead: recipe.overhead,
      ...(trailer && recipe.trailerOffset ? { trailerOffset: recipe.trailerOffset } : {}),
    },
  };
}

/** Resolves an address rule's member and constant; undefined if either is unknown. */
async function rule(recipe: RuleRecipe, full: DwarfRecipe, evaluate: Evaluate): Promise<AddressRule | undefined> {
  const wordAt = recipe.wordMember === undefined ? undefined : await evaluate(offsetOfExpr(full.block, recipe.wordMember));
  const add = recipe.add === undefined ? 0 : await evaluate(recipe.add);
  if ((recipe.wordMember !== undefined && wordAt === undefined) || add === undefined) return undefined;
  return { fromBlock: recipe.fromBlock, ...(wordAt === undefined ? {} : { wordAt }), add };
}

/** The trailer's place and size; undefined for none, null when the recipe names one DWARF lacks. */
async function trailerOf(recipe: DwarfRecipe, evaluate: Evaluate): Promise<{ offset: number; size: number } | undefined | null> {
  if (recipe.trailer === undefined || recipe.trailerOffset === undefined) return undefined;
  const size = await evaluate(`sizeof(${recipe.trailer})`);
  const offset = await evaluate(recipe.trailerOffset);
  return size === undefined || offset === undefined ? null : { offset, size };
}

/** Resolves every entry of a record, or undefined if any is unknown. */
async function numbers<K extends string>(
  entries: Record<K, string>,
  resolve: (text: string) => Promise<number | undefined>,
): Promise<Record<K, number> | undefined> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(entries) as K[]) {
    const value = await resolve(entries[key]);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}
