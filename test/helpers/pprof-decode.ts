// Reads a profile kamheap wrote back with pprof-format: each sample as its stack of function names
// (leaf first), its line, its values and its labels, so tests compare them with the snapshot.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

export interface DecodedSample {
  stack: string[];
  /** The leaf frame's line. */
  line: number;
  count: number;
  bytes: number;
  labels: Record<string, string | number>;
}

// An int64 of the profile: pprof-format reads varints unsigned (as a bigint past 4 bytes).
function int64(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(BigInt.asIntN(64, value)) : value;
}

/** The gzipped profile's sample types, samples and comments. */
export function decodePprof(data: Uint8Array): { sampleTypes: string[]; defaultType: string; samples: DecodedSample[]; comments: string[] } {
  const profile = Profile.decode(gunzipSync(data));
  const text = (i: number | bigint): string => profile.stringTable.strings[Number(i)] ?? '';
  const functions = new Map(profile.function.map((f) => [Number(f.id), text(f.name)]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  const samples = profile.sample.map((s) => {
    const frames = s.locationId.map((id) => locations.get(Number(id))?.line[0]);
    const labels: Record<string, string | number> = {};
    for (const l of s.label) labels[text(l.key)] = Number(l.str) !== 0 ? text(l.str) : int64(l.num);
    return {
      stack: frames.map((f) => functions.get(Number(f?.functionId)) ?? '?'),
      line: Number(frames[0]?.line ?? -1),
      count: int64(s.value[0] ?? NaN),
      bytes: int64(s.value[1] ?? NaN),
      labels,
    };
  });
  return {
    sampleTypes: profile.sampleType.map((t) => `${text(t.type)}/${text(t.unit)}`),
    defaultType: text(profile.defaultSampleType),
    samples,
    comments: profile.comment.map(text),
  };
}
