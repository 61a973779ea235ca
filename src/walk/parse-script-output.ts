// Parses what the walk script prints (through MI or from a hand-run `gdb --batch > walk.out`) into
// the same walk output the bulk walker produces. Lines that are not ours (gdb chatter) are ignored,
// within bounds, since a file given to `kamheap parse` may be anything: at most 1 MiB of text before
// KH_BEGIN, no more KH_F lines than the heap between KH_HEAP's first and end can hold, nothing of
// ours after KH_END, and past 1 MiB of chatter after it the rest need not be read (`enough`).
import { KamheapError } from '../errors.js';
import type { Finding, FindingKind } from '../heap/fragment.js';
import type { LayoutSource } from '../heap/layout.js';
import { allocatorFromName } from '../heap/layout-profiles.js';
import type { HeapHeader, HeapKind } from '../heap/heap-nouns.js';
import { fragmentRecord, recordList } from '../snapshot/fragment-list.js';
import { summarize } from '../snapshot/summarize.js';
import type { ResolvedFragment } from '../heap/heap-nouns.js';
import type { WalkOutput } from '../snapshot/walk-output.js';
import { unboundedTo } from './script-template.js';

/** Text (other than walk lines) read before KH_BEGIN, and after KH_END, at most. */
export const scriptOutputChatterLimit = 1 << 20;

interface Begin {
  pid: number;
  kind: HeapKind;
  layoutId: string;
  source: LayoutSource;
  /** frag + userOffset is the pointer Kamailio handed out. */
  userOffset: number;
  /** Bytes per fragment besides its size; undefined in output of scripts before kamheap printed it. */
  overhead: number | undefined;
  debug: boolean;
  /** The fragment header size: no fragment spans fewer bytes. */
  header: number;
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
  /** Lines taken so far (the current line's number). */
  private lineNumber = 0;
  /** Characters of the lines before KH_BEGIN, or after KH_END. */
  private chatter = 0;
  /** KH_F lines the heap can hold: (end - first) / header + 1. */
  private maxFragments = 0;

  /** Number of fragment lines seen so far (for progress display). */
  get fragmentCount(): number {
    return this.fragments.length;
  }

  /** True once the KH_END line was seen: the walk is over. */
  get ended(): boolean {
    return this.end !== undefined;
  }

  /** True once KH_END and 1 MiB of text after it came: a reader can stop there. */
  get enough(): boolean {
    return this.end !== undefined && this.chatter > scriptOutputChatterLimit;
  }

  /** Takes one output line. */
  line(text: string): void {
    this.lineNumber++;
    if (this.end) return this.afterEnd(text);
    if (!this.begin && !text.startsWith('KH_BEGIN ')) return this.beforeBegin(text);
    if (text.startsWith('KH_F ')) return this.fragment(text);
    if (text.startsWith('KH_BEGIN ')) return this.onBegin(fields(text));
    if (text.startsWith('KH_HEAP ')) return this.onHeap(fields(text));
    if (!this.heap && /^KH_(BAD|END) /.test(text)) throw this.malformed(`a ${text.slice(0, text.indexOf(' '))} line before its KH_HEAP line`);
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
  finish(extra: { executable: string | null; pauseMs: number | null; durationMs: number | null }): WalkOutput & { resolved: ResolvedFragment[] } {
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
    const userOffset = begin.userOffset;
    return {
      walker: 'script',
      pid: begin.pid,
      executable: extra.executable,
      layout: { id: begin.layoutId, allocator, source: begin.source, fragment: { userOffset: begin.userOffset, ...(begin.overhead === undefined ? {} : { overhead: begin.overhead }), ...(begin.debug ? { debug: true } : {}) } },
      rootSymbol: begin.rootSymbol,
      header: { kind: begin.kind, ...heap.header },
      from: begin.from,
      to: begin.to,
      summary: summarize(this.fragments, begin.debug),
      fragmentsWalked: this.fragments.length,
      fragments: recordList(this.fragments.map((f) => fragmentRecord(f, f, userOffset))),
      resolved: this.fragments,
      findings,
      complete: this.end?.ok === true && findings.length === 0,
      // The script walks a stopped target.
      consistency: { mode: 'stopped', rereads: 0, unsettled: [] },
      pauseMs: extra.pauseMs,
      durationMs: extra.durationMs,
      memoryReads: null,
      bytesRead: null,
    };
  }

  // gdb's chatter before the walk starts; a walk line there means the output is out of order.
  private beforeBegin(text: string): void {
    if (/^KH_[A-Z]+ /.test(text)) throw this.malformed(`a ${text.slice(0, text.indexOf(' '))} line before its KH_BEGIN line`);
    this.chatter += text.length + 1;
    if (this.chatter > scriptOutputChatterLimit) throw new KamheapError('bad-input', 'no KH_BEGIN line in the first 1 MiB: not kamheap walk output');
  }

  // After KH_END only gdb's own chatter may come ("[Inferior 1 (process N) detached]").
  private afterEnd(text: string): void {
    if (text.startsWith('KH_')) throw new KamheapError('bad-input', `walk output continues after its KH_END line (line ${this.lineNumber})`);
    this.chatter += text.length + 1;
  }

  // A bad-input error for output whose lines are out of order, naming the line.
  private malformed(what: string): KamheapError {
    return new KamheapError('bad-input', `walk output has ${what} (line ${this.lineNumber})`);
  }

  private onBegin(f: Map<string, string>): void {
    if (this.begin) throw this.malformed('a second KH_BEGIN line');
    this.chatter = 0;
    const kind = f.get('kind');
    const source = f.get('source');
    if (kind !== 'pkg' && kind !== 'shm') throw new KamheapError('bad-input', `walk output: bad heap kind "${kind ?? ''}"`);
    if (source !== 'dwarf' && source !== 'profile') throw new KamheapError('bad-input', `walk output: bad layout source "${source ?? ''}"`);
    const to = int(f, 'to');
    const header = int(f, 'header');
    if (header === 0) throw new KamheapError('bad-input', 'walk output: bad header "0"');
    const pid = int(f, 'pid');
    const layoutId = f.get('layout') ?? '';
    if (pid < 1) throw new KamheapError('bad-input', `walk output: bad pid "${pid}"`);
    if (!/^[a-z0-9_/]{1,128}$/.test(layoutId)) throw new KamheapError('bad-input', `walk output: bad layout "${layoutId.slice(0, 40)}"`);
    this.begin = {
      pid,
      kind,
      layoutId,
      source,
      // Output of scripts before TLSF support has no user=; there (q_malloc only) it was the header size.
      userOffset: f.has('user') ? int(f, 'user') : int(f, 'header'),
      overhead: f.has('overhead') ? int(f, 'overhead') : undefined,
      debug: f.get('debug') === '1',
      header,
      from: int(f, 'from'),
      to: to === unboundedTo ? undefined : to,
      rootSymbol: symbolField(f.get('root')),
    };
  }

  private onHeap(f: Map<string, string>): void {
    if (this.heap) throw this.malformed('a second KH_HEAP line');
    const dec = (name: string): bigint => BigInt(int(f, name));
    const first = hexField(f, 'first');
    const end = hexField(f, 'end');
    if (end < first) throw new KamheapError('bad-input', `walk output: heap end ${end.toString(16)} before its first fragment ${first.toString(16)}`);
    // Every fragment spans at least a header, so this many fit between first and end at most.
    this.maxFragments = Number((end - first) / BigInt(this.begin?.header ?? 1)) + 1;
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
    if (!this.heap) throw this.malformed('a KH_F line before its KH_HEAP line');
    if (this.fragments.length >= this.maxFragments) {
      throw this.malformed(`more KH_F lines than its heap holds fragments (at most ${this.maxFragments} of ${this.begin?.header ?? '?'} bytes or more)`);
    }
    const [numbers = '', file = '', func = '', module = ''] = text.split('\t');
    const [, index = '', frag = '', size = '', free = '', line = ''] = numbers.split(' ');
    if (free !== '0' && free !== '1') throw new KamheapError('bad-input', `walk output: malformed fragment line "${text.slice(0, 80)}"`);
    this.fragments.push({
      index: decimal(index, 'index'),
      frag: hexNumber(frag, 'fragment address'),
      size: BigInt(decimal(size, 'size')),
      free: free === '1',
      module: cString(module),
      file: cString(file),
      function: cString(func),
      line: decimal(line, 'line'),
    });
  }
}

/** Parses a whole output text at once (the `parse` command). */
export function parseScriptOutput(text: string, executable: string | null = null): WalkOutput & { resolved: ResolvedFragment[] } {
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
  return text !== undefined && /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(text) ? text : undefined;
}

/**
 * A string of a fragment's debug fields; empty past 4096 characters, as the bulk walker reads none
 * longer (read-strings.ts) and the snapshot schema allows no longer: Kamailio's are short literals.
 */
function cString(text: string): string {
  return text.length > 4096 ? '' : text;
}
