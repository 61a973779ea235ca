// The heap map's data: the heap's address range cut into a fixed number of cells (a strip of rows),
// each cell holding how many bytes of each module and of free memory fall in it. Fragments are
// added one at a time and only the cells are kept, so a heap of millions of fragments gives the same
// bounded map: the page shows each cell in the colour of what holds most of it.

/** What the map needs of a fragment (a snapshot's FragmentRecord has more). */
export interface MapFragment {
  /** Header address: the fragment starts here. */
  frag: bigint;
  /** One past the fragment's last byte (user address + size; the trailer is left to the next fragment's gap). */
  end: bigint;
  used: boolean;
  module: string;
}

/** What holds a cell: a module's used bytes, or free memory. */
export const freeKey = '\u0000free';

export interface HeapMapCell {
  /** The module holding most of the cell (freeKey for free memory); undefined when no fragment covers it. */
  top: string | undefined;
  used: number;
  free: number;
}

export interface HeapMap {
  start: bigint;
  end: bigint;
  bytesPerCell: number;
  columns: number;
  rows: number;
  cells: HeapMapCell[];
  /** Cells holding a finding's address (corruption), with the finding's index in the snapshot. */
  marks: Array<{ cell: number; finding: number }>;
  fragments: number;
}

/** Cells per row, and at most this many cells in all. */
export const mapColumns = 256;
export const maxCells = mapColumns * 64;

/** The address range of a heap's fragments, from the first header to the end of the last fragment. */
export class ExtentTracker {
  start: bigint | undefined;
  end: bigint | undefined;
  add(f: Pick<MapFragment, 'frag' | 'end'>): void {
    if (this.start === undefined || f.frag < this.start) this.start = f.frag;
    if (this.end === undefined || f.end > this.end) this.end = f.end;
  }
}

/** The cell size for a range: a power of two (rows then start at round offsets), at least 16 bytes. */
export function cellSize(rangeBytes: number): number {
  let size = 16;
  while (size * maxCells < rangeBytes) size *= 2;
  return size;
}

/** Sums fragments into the cells of one range; give it every fragment inside `start`..`end`. */
export class HeapMapBinner {
  private readonly bytes: Array<Map<string, number> | undefined>;
  private readonly marks: HeapMap['marks'] = [];
  private readonly bytesPerCell: number;
  private readonly cellCount: number;
  private fragments = 0;

  constructor(
    private readonly start: bigint,
    private readonly end: bigint,
  ) {
    const range = Number(end - start);
    this.bytesPerCell = cellSize(range);
    this.cellCount = Math.max(1, Math.ceil(range / this.bytesPerCell));
    this.bytes = new Array<Map<string, number> | undefined>(this.cellCount).fill(undefined);
  }

  /** Adds a fragment's bytes to every cell it overlaps. */
  add(f: MapFragment): void {
    this.fragments++;
    const from = Math.max(0, Number(f.frag - this.start));
    const to = Math.min(this.cellCount * this.bytesPerCell, Number(f.end - this.start));
    const key = f.used ? f.module : freeKey;
    for (let cell = Math.floor(from / this.bytesPerCell); cell * this.bytesPerCell < to; cell++) {
      const overlap = Math.min(to, (cell + 1) * this.bytesPerCell) - Math.max(from, cell * this.bytesPerCell);
      const sums = this.bytes[cell] ?? new Map<string, number>();
      sums.set(key, (sums.get(key) ?? 0) + overlap);
      this.bytes[cell] = sums;
    }
  }

  /** Marks the cell holding `address` (a finding's); addresses outside the range mark the nearest end. */
  mark(address: bigint, finding: number): void {
    const offset = Number(address - this.start);
    const cell = Math.min(this.cellCount - 1, Math.max(0, Math.floor(offset / this.bytesPerCell)));
    this.marks.push({ cell, finding });
  }

  /** The finished map, with `findings` (their header addresses) marked. */
  result(findings: ReadonlyArray<{ address: string }> = []): HeapMap {
    findings.forEach((finding, i) => this.mark(BigInt(finding.address), i));
    const cells = this.bytes.map(summarizeCell);
    return { start: this.start, end: this.end, bytesPerCell: this.bytesPerCell, columns: mapColumns, rows: Math.ceil(this.cellCount / mapColumns), cells, marks: this.marks, fragments: this.fragments };
  }
}

// The dominant holder of a cell and its used and free bytes.
function summarizeCell(sums: Map<string, number> | undefined): HeapMapCell {
  if (!sums) return { top: undefined, used: 0, free: 0 };
  let top: string | undefined;
  let most = -1;
  let used = 0;
  for (const [key, bytes] of sums) {
    if (key !== freeKey) used += bytes;
    if (bytes > most || (bytes === most && top !== undefined && key < top)) {
      top = key;
      most = bytes;
    }
  }
  return { top, used, free: sums.get(freeKey) ?? 0 };
}

/** The map of an in-memory list of fragments (two passes: the range, then the cells). */
export function mapFragments(fragments: readonly MapFragment[], findings: ReadonlyArray<{ address: string }>): HeapMap | undefined {
  const extent = new ExtentTracker();
  for (const f of fragments) extent.add(f);
  const binner = binnerFor(extent);
  if (!binner) return undefined;
  for (const f of fragments) binner.add(f);
  return binner.result(findings);
}

/** A binner over the range the extent found; undefined when no fragment had a byte. */
export function binnerFor(extent: ExtentTracker): HeapMapBinner | undefined {
  if (extent.start === undefined || extent.end === undefined || extent.end <= extent.start) return undefined;
  return new HeapMapBinner(extent.start, extent.end);
}
