// A walk's fragments as snapshot records (`--fragments`), in heap order, without holding them all:
// a bulk walk spools each record, as one line of compact JSON, into an unlinked temporary file as
// it steps the fragment, and the snapshot writer copies the lines into the output. A heap of
// millions of fragments then costs disk, not memory (4.5M fragments: ~0.8 GB of spool).
import { readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { KamheapError, errnoReason } from '../errors.js';
import type { RawFragment } from '../heap/fragment.js';
import type { StringTable } from '../memory/read-strings.js';
import { hex } from '../util/hex.js';
import { openUnlinkedTemp, type UnlinkedTemp } from '../util/unlinked-temp.js';
import type { FragmentRecord } from './snapshot.js';
import { siteText } from './site-tally.js';
import type { SiteText } from './summarize.js';

export interface FragmentList {
  readonly count: number;
  /** The records as JSON text, one per line; each piece holds whole lines, each ending in "\n". */
  lines(): AsyncIterable<string>;
  /** Frees what the list holds. */
  dispose(): void;
}

/** A fragment as a snapshot lists it. */
export function fragmentRecord(f: { index: number; frag: bigint | number; size: bigint | number; free: boolean }, site: SiteText, userOffset: number): FragmentRecord {
  const frag = BigInt(f.frag);
  return {
    index: f.index,
    address: hex(frag + BigInt(userOffset)),
    frag: hex(frag),
    size: Number(f.size),
    used: !f.free,
    module: site.module,
    file: site.file,
    function: site.function,
    line: site.line,
  };
}

/** A list of records already in memory (a parsed script output, a log dump). */
export function recordList(records: readonly FragmentRecord[]): FragmentList {
  return {
    count: records.length,
    async *lines() {
      for (let i = 0; i < records.length; i += 4096) yield records.slice(i, i + 4096).map((r) => `${JSON.stringify(r)}\n`).join('');
    },
    dispose: () => undefined,
  };
}

const flushAt = 1 << 20;

/**
 * The fragments of a bulk walk, written to a spool file as the walk visits them. Opened before the
 * walk starts (an unusable TMPDIR is found before gdb), fed by the visitor it hands out once the
 * heap's layout is known.
 */
export class FragmentSpool implements FragmentList {
  private pending: string[] = [];
  private pendingLength = 0;
  private written = 0;
  private strings: StringTable | undefined;
  private userOffset = 0;
  count = 0;

  private constructor(private readonly file: UnlinkedTemp) {}

  static open(): FragmentSpool {
    return new FragmentSpool(openUnlinkedTemp('.fragments'));
  }

  /** The visitor for a walk: spools each fragment with its site's text (read the first time it is met). */
  visitor(strings: StringTable, userOffset: number): (f: RawFragment) => void | Promise<void> {
    this.strings = strings;
    this.userOffset = userOffset;
    return (f) => {
      const reading = strings.ready(f.filePtr, f.funcPtr, f.mnamePtr);
      if (reading) return reading.then(() => this.spool(f));
      this.spool(f);
      return undefined;
    };
  }

  private spool(f: RawFragment): void {
    const text = this.strings?.text ?? ((): string => '');
    const line = `${JSON.stringify(fragmentRecord(f, siteText(f, text), this.userOffset))}\n`;
    this.pending.push(line);
    this.pendingLength += line.length;
    this.count++;
    if (this.pendingLength >= flushAt) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.file.fd, data, done, data.length - done, this.written + done);
    } catch (error) {
      throw new KamheapError('bad-input', `cannot write the --fragments spool file in ${this.file.where}: ${errnoReason(error)}`, { cause: error });
    }
    this.written += data.length;
    this.pending = [];
    this.pendingLength = 0;
  }

  async *lines(): AsyncIterable<string> {
    this.flush();
    const buffer = Buffer.allocUnsafe(flushAt);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (let at = 0; at < this.written; ) {
      const n = readSync(this.file.fd, buffer, 0, Math.min(buffer.length, this.written - at), at);
      if (n <= 0) break;
      at += n;
      const text = carry + decoder.write(buffer.subarray(0, n));
      const cut = text.lastIndexOf('\n') + 1;
      carry = text.slice(cut);
      if (cut > 0) yield text.slice(0, cut);
    }
    if (carry !== '') yield carry;
  }

  dispose(): void {
    this.file.close();
  }
}
