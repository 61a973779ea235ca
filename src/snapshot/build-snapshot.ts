// Assembles the versioned snapshot from a walk's output. The fragments (`--fragments`) are not in
// it: they stay in the walk's FragmentList and go straight to the output file (write-json.ts).
import { hex } from '../util/hex.js';
import { toolVersion } from '../util/version.js';
import { processStart } from '../proc/start-time.js';
import { snapshotSchemaId, type Snapshot, type TargetRecord } from './snapshot.js';
import type { WalkedProcess, WalkOutput } from './walk-output.js';

export interface BuildOptions {
  now?: Date;
}

/** Builds the snapshot of one walk. */
export function buildSnapshot(output: WalkOutput, options: BuildOptions = {}): Snapshot {
  const { header, layout, summary, consistency } = output;
  return {
    schema: snapshotSchemaId,
    createdAt: (options.now ?? new Date()).toISOString(),
    tool: { name: 'kamheap', version: toolVersion() },
    target: { pid: output.pid, executable: output.executable, ...(output.process ? walkedTarget(output.process) : {}) },
    heap: {
      kind: header.kind,
      allocator: layout.allocator,
      layout: layout.id,
      layoutSource: layout.source,
      debugFields: layout.fragment.debug !== undefined,
      ...(output.rootSymbol === undefined ? {} : { rootSymbol: output.rootSymbol }),
      ...(layout.fragment.overhead === undefined ? {} : { fragmentOverhead: layout.fragment.overhead }),
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
      fragmentsWalked: output.fragmentsWalked,
      complete: output.complete,
      pauseMs: roundMs(output.pauseMs),
      ...(output.attachMs === undefined ? {} : { attachMs: round(output.attachMs, 3) }),
      ...(output.detachMs === undefined ? {} : { detachMs: round(output.detachMs, 3) }),
      durationMs: roundMs(output.durationMs),
      memoryReads: output.memoryReads,
      bytesRead: output.bytesRead,
      ...(output.memorySource === undefined ? {} : { memorySource: output.memorySource }),
      consistency: {
        mode: consistency.mode,
        rereads: consistency.rereads,
        unsettled: consistency.unsettled.map((u) => ({ index: u.index, address: hex(u.address), message: u.message })),
      },
    },
    totals: { used: summary.used, free: summary.free, fragmentation: round(summary.fragmentation, 6) },
    sites: summary.sites,
    findings: output.findings.map((f) => ({ kind: f.kind, index: f.index, address: hex(f.address), message: f.message })),
  };
}

/** What a live walk knows of its process beyond the PID: host, release, start, role and instance. */
export function walkedTarget(p: WalkedProcess): Omit<TargetRecord, 'pid' | 'executable'> {
  return {
    host: p.host,
    ...(p.kamailioVersion === undefined ? {} : { kamailioVersion: p.kamailioVersion }),
    started: processStart(p.startTime),
    ...(p.place ? { role: p.place.role, instance: { pid: p.place.main.pid, started: processStart(p.place.main.startTime) } } : {}),
  };
}

function roundMs(ms: number | null): number | null {
  return ms === null ? null : round(ms, 3);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
