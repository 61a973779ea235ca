// Kamailio's `struct process_table` (src/core/pt.h; pt.h at the top of the 4.x tree) as data, per
// release range and per USE_TCP, read off each release's source: the same habit as the heap
// layouts in src/heap/layout-profiles.ts. A binary with DWARF gets its own layout instead
// (process-table-dwarf.ts); a release outside these ranges, without DWARF, is refused.
import { KamheapError } from '../errors.js';
import { releaseName, type KamailioRelease } from './kamailio-release.js';

/** Where each field of one `pt[]` entry lives (x86-64: every member is a 4-byte int but desc). */
export interface ProcessTableLayout {
  id: string;
  /** 'dwarf': from this very binary's debug info; 'profile': from the release's source, below. */
  source: 'dwarf' | 'profile';
  /** sizeof(struct process_table): the stride of the array. */
  size: number;
  pid: number;
  /** Offset of `rank`; absent where the struct has none (before 5.3). */
  rank?: number;
  /** Offset and length of `char desc[MAX_PT_DESC]`. */
  desc: number;
  descLength: number;
}

/** [major, minor]: a profile covers `from <= release < before`. */
type MajorMinor = readonly [number, number];

export interface ProcessTableProfile {
  from: MajorMinor;
  before: MajorMinor;
  /** Built with USE_TCP (`unix_sock` and `idx` after `pid`), as every packaged Kamailio is. */
  tcp: boolean;
  layout: ProcessTableLayout;
}

// MAX_PT_DESC is 128 in every release read.
const descLength = 128;

/**
 * 4.4 to 5.2: `int pid; [int unix_sock; int idx;] char desc[128];`. Read from pt.h of the 4.x
 * tree (kamailio/kamailio 2266bb9c, the table in shm as it is since 2006) and src/core/pt.h of
 * the 5.x tree before 5.3 (260aa34a): the same members.
 * 5.3 to 6.0: `int status; int rank;` come before desc. Read from src/core/pt.h at de185aa6
 * (5.3.0-dev2, per src/Makefile.defs at that commit) and from the release tarballs of 5.6.3 and
 * 6.0.1 (Debian's kamailio_5.6.3.orig.tar.gz and kamailio_6.0.1.orig.tar.gz): unchanged through
 * them. 4.4 is the first release with the memory API kamheap finds the instance through.
 */
export const processTableProfiles: readonly ProcessTableProfile[] = [
  { from: [4, 4], before: [5, 3], tcp: true, layout: { id: 'pt/4.4-5.2/tcp', source: 'profile', size: 140, pid: 0, desc: 12, descLength } },
  { from: [4, 4], before: [5, 3], tcp: false, layout: { id: 'pt/4.4-5.2/notcp', source: 'profile', size: 132, pid: 0, desc: 4, descLength } },
  { from: [5, 3], before: [6, 1], tcp: true, layout: { id: 'pt/5.3-6.0/tcp', source: 'profile', size: 148, pid: 0, rank: 16, desc: 20, descLength } },
  { from: [5, 3], before: [6, 1], tcp: false, layout: { id: 'pt/5.3-6.0/notcp', source: 'profile', size: 140, pid: 0, rank: 8, desc: 12, descLength } },
];

/** The profile of this release and build, or a one-line refusal (exit 13): never a guess. */
export function profileForRelease(release: Pick<KamailioRelease, 'version' | 'numbers' | 'flags'>): ProcessTableLayout {
  const n = release.numbers;
  const tcp = release.flags.includes('USE_TCP');
  const profile = n === undefined ? undefined : processTableProfiles.find((p) => p.tcp === tcp && atLeast(n, p.from) && !atLeast(n, p.before));
  // Without ver_flags nothing says whether USE_TCP was set, and the two structs differ.
  if (profile && release.flags.length === 0) {
    throw new KamheapError('heap-not-found', `unknown process table layout for ${releaseName(release)}: its compile flags are unknown (USE_TCP changes the table)`);
  }
  if (profile) return profile.layout;
  throw new KamheapError('heap-not-found', `unknown process table layout for ${releaseName(release)}`);
}

/** True when `n` is at least `major.minor`. */
function atLeast(n: readonly [number, number, number], [major, minor]: MajorMinor): boolean {
  return n[0] > major || (n[0] === major && n[1] >= minor);
}
