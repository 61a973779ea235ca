// The variables a heap can be reached through, and which one a Kamailio executable has. Kamailio 5.x
// exports a memory API struct per heap (`_pkg_root`, `_shm_root`: manager name, pool, block);
// Kamailio 4.x and older exported a pointer to the block itself (`mem_block`, `shm_block`); debug
// builds of 5.x also show each allocator's own static pointer (`_qm_pkg_block`, `_fm_shm_block`, ...).
import { KamheapError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import type { AllocatorName } from '../heap/layout.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { findSymbolAddress } from './static-symbols.js';

/** `api`: a memory API struct (name string and block pointer); `pointer`: a pointer to the block. */
export type RootShape = 'api' | 'pointer';

export interface HeapRootSymbol {
  symbol: string;
  kind: HeapKind;
  shape: RootShape;
  /** Tried without being asked for (in this order); the others only through --heap-symbol. */
  automatic: boolean;
  /** The allocator the name implies, when it does (the allocators' own statics). */
  allocator?: AllocatorName;
  /** Where the symbol comes from, for help texts and errors. */
  origin: string;
}

const allocatorStatics = (kind: HeapKind): HeapRootSymbol[] =>
  (
    [
      ['qm', 'q_malloc'],
      ['fm', 'f_malloc'],
      ['tlsf', 'tlsf_malloc'],
    ] as const
  ).map(([prefix, allocator]) => ({
    symbol: `_${prefix}_${kind}_block`,
    kind,
    shape: 'pointer',
    automatic: false,
    allocator,
    origin: `${allocator}'s own block pointer (5.x builds with debug info)`,
  }));

/** Every name kamheap knows, automatic ones first. The only names that ever reach gdb. */
export const heapRootSymbols: readonly HeapRootSymbol[] = [
  { symbol: '_pkg_root', kind: 'pkg', shape: 'api', automatic: true, origin: 'memory API (Kamailio 5.0 and later)' },
  { symbol: 'mem_block', kind: 'pkg', shape: 'pointer', automatic: true, origin: 'pkg block pointer (Kamailio 4.x and older)' },
  { symbol: '_shm_root', kind: 'shm', shape: 'api', automatic: true, origin: 'memory API (Kamailio 5.0 and later)' },
  { symbol: 'shm_block', kind: 'shm', shape: 'pointer', automatic: true, origin: 'shm block pointer (Kamailio 4.x and older)' },
  ...allocatorStatics('pkg'),
  ...allocatorStatics('shm'),
];

/** The entry for a user-given `--heap-symbol`; anything not in the table is refused. */
export function heapRootSymbol(kind: HeapKind, name: string): HeapRootSymbol {
  const entry = heapRootSymbols.find((e) => e.symbol === name && e.kind === kind);
  if (entry) return entry;
  const known = heapRootSymbols.filter((e) => e.kind === kind).map((e) => e.symbol);
  throw new KamheapError('usage', `--heap-symbol for the ${kind} heap must be one of ${known.join(', ')}, not "${name}"`);
}

/** A root symbol found in the executable, before any attach. */
export interface ResolvedRoot {
  entry: HeapRootSymbol;
  /** Link-time address (relocated by the load bias once the process is known). */
  linkAddress: bigint;
  /**
   * The allocator, when known before reading memory: for a pointer, from its DWARF type or its
   * name; undefined for an API root (its name string says it) and for a pointer without types.
   */
  allocator: AllocatorName | undefined;
}

/**
 * Finds the heap's root in the executable gdb holds (no process needed): the requested symbol, or
 * the first automatic one present. None at all means the process is not Kamailio.
 */
export async function resolveHeapRoot(gdb: SymbolSource, pid: number, kind: HeapKind, timeoutMs: number, requested?: HeapRootSymbol): Promise<ResolvedRoot> {
  const candidates = requested ? [requested] : heapRootSymbols.filter((e) => e.kind === kind && e.automatic);
  for (const entry of candidates) {
    const linkAddress = await findSymbolAddress(gdb, entry.symbol, timeoutMs);
    if (linkAddress === undefined) continue;
    const allocator = entry.shape === 'pointer' ? (allocatorOfType(await gdb.variableType(entry.symbol, timeoutMs)) ?? entry.allocator) : undefined;
    return { entry, linkAddress, allocator };
  }
  if (requested) {
    throw new KamheapError('heap-not-found', `the executable of PID ${pid} has no ${requested.symbol} (${requested.origin})`);
  }
  throw new KamheapError('not-kamailio', `PID ${pid} is not a Kamailio process (its executable has no ${candidates.map((e) => e.symbol).join(' or ')})`);
}

/** The allocator a block pointer's DWARF type names (`struct qm_block *`, `struct fm_block *`, `tlsf_t`). */
export function allocatorOfType(type: string | undefined): AllocatorName | undefined {
  switch (type?.replace(/\s+/g, ' ').trim()) {
    case 'struct qm_block *':
      return 'q_malloc';
    case 'struct fm_block *':
      return 'f_malloc';
    case 'tlsf_t':
      return 'tlsf_malloc';
    default:
      return undefined;
  }
}
