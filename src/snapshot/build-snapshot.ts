// Assembles the versioned snapshot from a walk's output.
import { hex } from '../util/hex.js';
import { toolVersion } from '../util/version.js';
import { snapshotSchemaId, type FragmentRecord, type Snapshot } from './snapshot.js';
import { summarize } from './summarize.js';
import type { WalkOutput } from './walk-output.js';
import { userAddress } from '../heap/layout.js';

export interface BuildOptions {
  includeFragments: boolean;
  now?: Date;
}

/** Builds the snapshot; fragments are listed only when asked for (they can be 100k+ entries). */
export function buildSnapshot(output: WalkOutput, options: BuildOptions): Snapshot {
  const { header, layout } = output;
  const summary = summarize(output.fragments, layout.fragment.debug !== undefined);
  const snapshot: Snapshot = {
    schema: snapshotSchemaId,
    createdAt: (options.now ?? new Date()).toISOString(),
    tool: { name: 'kamheap', version: toolVersion() },
    target: { pid: output.pid, executable: output.executable },
    heap: {
      kind: header.kind,
      allocator: layout.allocator,
      layout: layout.id,
      layoutSource: layout.source,
      debugFields: layout.fragment.debug !== undefined,
      ...(output.rootSymbol === undefined ? {} : { rootSymbol: output.rootSymbol }),
      block: hex(header.block),
      size: Number(header.size),
      used: Number(header.used),
      realUsed: Number(header.realUsed),
      maxRealUsed: Number(header.maxRealUsed),
      free: Number(header.size - header.realUsed),
    },
    walk: {
      walker: output.walker,
      from: output.from,
      to: output.to ?? null,
      fragmentsWalked: output.fragments.length,
      complete: output.complete,
      pauseMs: roundMs(output.pauseMs),
      ...(output.attachMs === undefined ? {} : { attachMs: round(output.attachMs, 3) }),
      ...(output.detachMs === undefined ? {} : { detachMs: round(output.detachMs, 3) }),
      durationMs: roundMs(output.durationMs),
      memoryReads: output.memoryReads,
      bytesRead: output.bytesRead,
    },
    totals: { used: summary.used, free: summary.free, fragmentation: round(summary.fragmentation, 6) },
    sites: summary.sites,
    findings: output.findings.map((f) => ({ kind: f.kind, index: f.index, address: hex(f.address), message: f.message })),
  };
  if (options.includeFragments) {
    snapshot.fragments = output.fragments.map(
      (f): FragmentRecord => ({
        index: f.index,
        address: hex(userAddress(layout.fragment, f.frag)),
        frag: hex(f.frag),
        size: Number(f.size),
        used: !f.free,
        module: f.module,
        file: f.file,
        function: f.function,
        line: f.line,
      }),
    );
  }
  return snapshot;
}

function roundMs(ms: number | null): number | null {
  return ms === null ? null : round(ms, 3);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
