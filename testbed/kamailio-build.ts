// Which Kamailio the testbed runs: Debian's package, or a cached source build of the same 5.6.3
// made by scripts/build-kamailio.sh (`dwarf`: debug info + per-fragment debug fields; `nodebug`:
// MEMDBG=0, fragments without file/func/line). The script is run once per flavor and process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { testbedAsset } from './assets.js';
import { KAMCMD } from './kamcmd.js';

export type SourceFlavor = 'dwarf' | 'nodebug';
export type BuildName = 'debian' | SourceFlavor;

/** Everything needed to run one Kamailio build. */
export interface KamailioBuild {
  /** The kamailio executable. */
  binary: string;
  /** Directory holding tm.so & co. (the cfg's mpath). */
  moduleDir: string;
  /** kamcmd to talk to it (the build's own if it installed one). */
  kamcmd: string;
}

export const KAMAILIO = process.env.KAMHEAP_KAMAILIO ?? '/usr/sbin/kamailio';
const DEBIAN_MODULES = process.env.KAMHEAP_KAMAILIO_MODULES ?? '/usr/lib/x86_64-linux-gnu/kamailio/modules';
/** First builds take minutes (2 cores: about 1.5 min per flavor, plus apt on a fresh machine). */
const BUILD_TIMEOUT_MS = 45 * 60_000;

/** Debian's package (KAMHEAP_KAMAILIO / KAMHEAP_KAMCMD override the binaries). */
export const DEBIAN_BUILD: KamailioBuild = { binary: KAMAILIO, moduleDir: DEBIAN_MODULES, kamcmd: KAMCMD };

const builds = new Map<SourceFlavor, Promise<KamailioBuild>>();

/** The cached source build of `flavor`, built first if needed (minutes); one answer per process. */
export function kamailioBuild(flavor: SourceFlavor): Promise<KamailioBuild> {
  let build = builds.get(flavor);
  if (build === undefined) {
    build = runBuildScript(flavor);
    // A failed build is not cached: the next caller retries.
    build.catch(() => builds.delete(flavor));
    builds.set(flavor, build);
  }
  return build;
}

/** The build behind a StartOptions.build name. */
export function resolveBuild(name: BuildName): Promise<KamailioBuild> {
  return name === 'debian' ? Promise.resolve(DEBIAN_BUILD) : kamailioBuild(name);
}

// Runs scripts/build-kamailio.sh, its progress on our stderr; the last stdout line is the prefix.
async function runBuildScript(flavor: SourceFlavor): Promise<KamailioBuild> {
  const script = testbedAsset('../scripts/build-kamailio.sh');
  process.stderr.write(`kamheap testbed: Kamailio source build '${flavor}' (from cache, or built now: minutes)\n`);
  const result = await execa('bash', [script, flavor], {
    stdin: 'ignore',
    stderr: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
    killSignal: 'SIGTERM',
  });
  const prefix = result.stdout.trim().split('\n').pop() ?? '';
  return installedBuild(prefix);
}

/** Binary, module dir and kamcmd of an install prefix (`make install PREFIX=...`). */
export function installedBuild(prefix: string): KamailioBuild {
  const binary = join(prefix, 'sbin', 'kamailio');
  // Debian's source carries no_lib64_on_64_bits.patch: lib/, where upstream would use lib64/.
  const moduleDir = ['lib', 'lib64']
    .map((lib) => join(prefix, lib, 'kamailio', 'modules'))
    .find((dir) => existsSync(join(dir, 'tm.so')));
  if (!existsSync(binary) || moduleDir === undefined) {
    throw new Error(`no complete Kamailio install under '${prefix}' (sbin/kamailio, lib*/kamailio/modules/tm.so)`);
  }
  const ownKamcmd = join(prefix, 'sbin', 'kamcmd');
  return { binary, moduleDir, kamcmd: existsSync(ownKamcmd) ? ownKamcmd : KAMCMD };
}
