// Parses what the walk script prints (through MI or from a hand-run `gdb --batch > walk.out`) into
// the same walk output the bulk walker produces. Lines that are not ours (gdb chatter) are ignored.
import { KamheapError } from '../errors.js';
import type { Finding, FindingKind } from '../heap/fragment.js';
import type { LayoutSource } from '../heap/layout.js';
import { allocatorFromName } from '../heap/layout-profiles.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader, ResolvedFragment, WalkOutput } from '../snapshot/walk-output.js';
import { unboundedTo } from './script-template.js';

interface Begin {
  pid: number;
  kind: HeapKind;
  layoutId: string;
  source: LayoutSource;
  /** frag + userOffset is the pointer Kamailio handed out. */
  userOffset: number;
  debug: boolean;
  from: number;
  to: number | undefined;
  rootSymbol: string | undefined;
}

/** Incremental parser: feed lines as they come, then `finish()`. */
export class ScriptOutputParser {
  private begin: Begin | undefined;
  private heap: { mname: string; header: Omit<HeapHeader, 'kind'> } | undefined;
  private readonly fragments: ResolvedFragment[] = [];
  private readonly findings: Finding[] = [];
  private end: { walked: number; at: bigint; ok: boolean } | undefined;
  private failure: string | undefined;

  /** Number of fragment lines seen so far (for progress display). */
  get fragmentCount(): number {
    return this.fragments.length;
  }

  /** True once the KH_END line was seen: the walk is over. */
  get ended(): boolean {
    return this.end !== undefined;
  }

  /** Takes one output line. */
  line(text: string): void {
    if (text.startsWith('KH_F ')) return this.fragment(text);
    if (text.startsWith('KH_BEGIN ')) return this.onBegin(fields(text));
    if (text.startsWith('KH_HEAP ')) return this.onHeap(fields(text));
    if (text.startsWith('KH_BAD ')) return this.onBad(text);
    if (text.startsWith('KH_END ')) {
      const f = fields(text);
      this.end = { walked: int(f, 'walked'), at: hexField(f, 'at'), ok: f.get('ok') === '1' };
    }
  }

  /** Records that gdb aborted the script, with gdb's reason. */
  scriptFailed(message: string): void {
    this.failure = message;
  }

  /** The walk output; a missing end line means the script stopped early (gdb error, Ctrl-C). */
  finish(extra: { executable: string | null; pauseMs: number | null; durationMs: number | null }): WalkOutput {
    const begin = this.begin;
    const heap = this.heap;
    if (!begin || !heap) throw new KamheapError('bad-input', 'not kamheap walk output: no KH_BEGIN/KH_HEAP lines');
    const allocator = allocatorFromName(heap.mname);
    if (!allocator) throw new KamheapError('bad-input', `walk output names an unknown memory manager "${heap.mname}"`);
    const findings = [...this.findings];
    if (!this.end) {
      const last = this.fragments.at(-1);
      findings.push({
        kind: 'walk-error',
        index: last ? last.index + 1 : begin.from,
        address: 0n,
        message: `the walk script stopped before its end: ${this.failure ?? 'gdb error or interrupted'}`,
      });
    }
    return {
      walker: 'script',
      pid: begin.pid,
      executable: extra.executable,
      layout: { id: begin.layoutId, allocator, source: begin.source, fragment: { userOffset: begin.userOffset, ...(begin.debug ? { debug: true } : {}) } },
      rootSymbol: begin.rootSymbol,
      header: { kind: begin.kind, ...heap.header },
      from: begin.from,
      to: begin.to,
      fragments: this.fragments,
      findings,
      complete: this.end?.ok === true && findings.length === 0,
      pauseMs: extra.pauseMs,
      durationMs: extra.durationMs,
      memoryReads: null,
      bytesRead: null,
    };
  }

  private onBegin(f: Map<string, string>): void {
    const kind = f.get('kind');
    const source = f.get('source');
    if (kind !== 'pkg' && kind !== 'shm') throw new KamheapError('bad-input', `walk output: bad heap kind "${kind ?? ''}"`);
    if (source !== 'dwarf' && source !== 'profile') throw new KamheapError('bad-input', `walk output: bad layout source "${source ?? ''}"`);
    const to = int(f, 'to');
    this.begin = {
      pid: int(f, 'pid'),
      kind,
      layoutId: f.get('layout') ?? '',
      source,
      // Output of scripts before TLSF support has no user=; there (q_malloc only) it was the header size.
      userOffset: f.has('user') ? int(f, 'user') : int(f, 'header'),
      debug: f.get('debug') === '1',
      from: int(f, 'from'),
      to: to === unboundedTo ? undefined : to,
      rootSymbol: symbolField(f.get('root')),
    };
  }

  private onHeap(f: Map<string, string>): void {
    const dec = (name: string): bigint => BigInt(int(f, name));
    this.heap = {
      mname: f.get('mname') ?? '',
      header: {
        block: hexField(f, 'block'),
        size: dec('size'),
        used: dec('used'),
        realUsed: dec('real_used'),
        maxRealUsed: dec('max_real_used'),
        firstFrag: hexField(f, 'first'),
        walkEnd: hexField(f, 'end'),
      },
    };
  }

  private onBad(text: string): void {
    const [, index = '', address = '', kind, ...rest] = text.split(' ');
    const known: readonly FindingKind[] = ['check-pattern', 'size-out-of-bounds', 'size-misaligned', 'walk-error'];
    const findingKind = known.find((k) => k === kind) ?? 'walk-error';
    this.findings.push({ kind: findingKind, index: decimal(index, 'index'), address: hexNumber(address, 'address'), message: `${kind ?? ''} ${rest.join(' ')}`.trim() });
  }

  private fragment(text: string): void {
    const [numbers = '', file = '', func = '', module = ''] = text.split('\t');
    const [, index = '', frag = '', size = '', free = '', line = ''] = numbers.split(' ');
    if (free !== '0' && free !== '1') throw new KamheapError('bad-input', `walk output: malformed fragment line "${text.slice(0, 80)}"`);
    this.fragments.push({
      index: decimal(index, 'index'),
      frag: hexNumber(frag, 'fragment address'),
      size: BigInt(decimal(size, 'size')),
      free: free === '1',
      module,
      file,
      function: func,
      line: decimal(line, 'line'),
    });
  }
}

/** Parses a whole output text at once (the `parse` command). */
export function parseScriptOutput(text: string, executable: string | null = null): WalkOutput {
  const parser = new ScriptOutputParser();
  for (const line of text.split('\n')) parser.line(line.replace(/\r$/, ''));
  return parser.finish({ executable, pauseMs: null, durationMs: null });
}

/** key=value fields of a KH_ line. */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(' ').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

function int(f: Map<string, string>, name: string): number {
  return decimal(f.get(name) ?? '', name);
}

function hexField(f: Map<string, string>, name: string): bigint {
  return hexNumber(f.get(name) ?? '', name);
}

/** A decimal field of our own output; anything else means the file is not (intact) walk output. */
function decimal(text: string, name: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) throw new KamheapError('bad-input', `walk output: bad ${name} "${text.slice(0, 40)}"`);
  return value;
}

/** A hex field (with or without 0x) of our own output. */
function hexNumber(text: string, name: string): bigint {
  if (!/^(0x)?[0-9a-f]+$/i.test(text)) throw new KamheapError('bad-input', `walk output: bad ${name} "${text.slice(0, 40)}"`);
  return BigInt(text.startsWith('0x') ? text : `0x${text}`);
}

/** A C identifier, or undefined for anything else (output of older scripts has no root=). */
function symbolField(text: string | undefined): string | undefined {
  return text !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : undefined;
}
