// A heap profile in pprof's format (profile.proto, gzipped), encoded with pprof-format, so that
// `go tool pprof` (-top, -tree, -peek, -web, flame graphs) and the tools that read pprof show
// kamheap's sites. Sample types are those of Go's heap profiles: inuse_objects (count) and
// inuse_space (bytes, the default). Each site is one sample whose stack is, from the leaf:
// `FILE: FUNCTION` at the site's line -> `FILE` -> `MODULE` (FILE is siteFileText, "tm: h_table.c",
// so a function name is unique across modules: mod_init is in many), so pprof groups by module,
// then file, then function. A site of a build without debug fields is one frame, its size class.
import { gzipSync } from 'node:zlib';
import { Function as PprofFunction, Label, Location, Mapping, Profile, Sample, StringTable } from 'pprof-format';
import type { SiteRecord } from '../heap/heap-nouns.js';
import { siteFileText, sizeClassText } from '../snapshot/site-string.js';

/** The fields of a site that name it. */
export type PprofSite = Omit<SiteRecord, 'count' | 'bytes'>;

/** One sample: a site, its values, its labels (text labels, and numeric ones such as pid). */
export interface PprofSample {
  site: PprofSite;
  count: number;
  bytes: number;
  labels: Record<string, string | number>;
}

/** What the profile says about itself. */
export interface PprofMeta {
  /** When the data was taken (a snapshot's createdAt). */
  time: string;
  durationMs: number | null;
  /** The executable, as the profile's one mapping (every location is already symbolized). */
  executable: string | null;
  comments: string[];
}

/** The samples as a gzipped profile.proto. */
export function encodePprof(samples: readonly PprofSample[], meta: PprofMeta): Uint8Array {
  const strings = new StringTable();
  const frames = new FrameTable(strings);
  const sample = samples.map((s) => new Sample({ locationId: frames.stack(s.site), value: [s.count, s.bytes], label: labelsOf(s.labels, strings) }));
  const time = Date.parse(meta.time);
  const profile = new Profile({
    sampleType: [
      { type: strings.dedup('inuse_objects'), unit: strings.dedup('count') },
      { type: strings.dedup('inuse_space'), unit: strings.dedup('bytes') },
    ],
    sample,
    mapping: [new Mapping({ id: 1, filename: strings.dedup(meta.executable ?? 'kamailio'), hasFunctions: true, hasFilenames: true, hasLineNumbers: true })],
    location: frames.locations,
    function: frames.functions,
    timeNanos: Number.isNaN(time) ? 0 : BigInt(time) * 1_000_000n,
    durationNanos: meta.durationMs === null ? 0 : Math.round(meta.durationMs * 1e6),
    periodType: { type: strings.dedup('space'), unit: strings.dedup('bytes') },
    period: 1,
    comment: meta.comments.map((c) => strings.dedup(c)),
    defaultSampleType: strings.dedup('inuse_space'),
    stringTable: strings,
  });
  return gzipSync(profile.encode());
}

// Labels as pprof has them: a number is a numeric label (pid), text a string label (heap, role).
function labelsOf(labels: Record<string, string | number>, strings: StringTable): Label[] {
  return Object.entries(labels).map(([key, value]) =>
    typeof value === 'number' ? new Label({ key: strings.dedup(key), num: value }) : new Label({ key: strings.dedup(key), str: strings.dedup(value) }),
  );
}

/** Functions and locations, each made once and shared by every sample that passes through it. */
class FrameTable {
  readonly functions: PprofFunction[] = [];
  readonly locations: Location[] = [];
  private readonly functionIds = new Map<string, number>();
  private readonly locationIds = new Map<string, number>();

  constructor(private readonly strings: StringTable) {}

  /** The site's location ids, leaf first. */
  stack(site: PprofSite): number[] {
    if (site.sizeClass !== undefined) return [this.location(sizeClassText(site.sizeClass), '', 0)];
    const file = siteFileText(site);
    const stack = [this.location(`${file}: ${site.function}`, file, site.line), this.location(file, file, 0)];
    if (site.module !== '') stack.push(this.location(site.module, '', 0));
    return stack;
  }

  // The location of one frame: a function at a line.
  private location(name: string, file: string, line: number): number {
    const key = `${name}\u0000${file}\u0000${line}`;
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.locations.length + 1;
      this.locationIds.set(key, id);
      this.locations.push(new Location({ id, mappingId: 1, line: [{ functionId: this.function(name, file), line }] }));
    }
    return id;
  }

  private function(name: string, file: string): number {
    const key = `${name}\u0000${file}`;
    let id = this.functionIds.get(key);
    if (id === undefined) {
      id = this.functions.length + 1;
      this.functionIds.set(key, id);
      this.functions.push(new PprofFunction({ id, name: this.strings.dedup(name), systemName: this.strings.dedup(name), filename: this.strings.dedup(file) }));
    }
    return id;
  }
}
