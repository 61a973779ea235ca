// Which Kamailio the testbed runs. On the host: Debian 12's package (5.6.3), or a cached source
// build made by scripts/build-kamailio.sh (`dwarf`: debug info + per-fragment debug fields;
// `nodebug`: MEMDBG=0, fragments without file/func/line), of 5.6.3 or 6.0.1. Chrooted in a Debian 13
// root (scripts/build-debian13-root.sh): Debian 13's own package (6.0.1), or the 6.0.1 dwarf build
// stripped with its debug info split out by build-id (scripts/build-split-root.sh). Each script runs
// once per build name and process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runBuildScript } from './build-script.js';
import { KAMCMD } from './kamcmd.js';

export type SourceFlavor = 'dwarf' | 'nodebug';
/** 5.6.3 builds keep their first names ('debian', 'dwarf', 'nodebug'); 6.0.1 ones say their release. */
export type BuildName = 'debian' | SourceFlavor | 'debian13' | '6.0.1-dwarf' | '6.0.1-nodebug' | '6.0.1-split';

/** Where a build's files are on the host. */
export interface BuildPaths {
  /** The kamailio executable (what gdb reads). */
  binary: string;
  /** Directory holding tm.so & co. (the cfg's mpath). */
  moduleDir: string;
  /** kamcmd to talk to it (the build's own if it installed one; the host's for a chrooted build). */
  kamcmd: string;
}

/** Everything needed to run one Kamailio build. */
export interface KamailioBuild extends BuildPaths {
  /** The release, as `kamailio -v` says it: "5.6.3", "6.0.1". */
  version: string;
  /**
   * For a build that runs chrooted: the root directory on the host (binary and moduleDir are
   * inside it). Undefined for a build that runs on the host.
   */
  root: string | undefined;
}

/** How each build name is made. */
type Recipe =
  | { kind: 'host-package' }
  | { kind: 'source'; version: string; flavor: SourceFlavor }
  | { kind: 'root-package' }
  | { kind: 'split-root'; version: string };

const RECIPES: Readonly<Record<BuildName, Recipe>> = {
  debian: { kind: 'host-package' },
  dwarf: { kind: 'source', version: '5.6.3', flavor: 'dwarf' },
  nodebug: { kind: 'source', version: '5.6.3', flavor: 'nodebug' },
  debian13: { kind: 'root-package' },
  '6.0.1-dwarf': { kind: 'source', version: '6.0.1', flavor: 'dwarf' },
  '6.0.1-nodebug': { kind: 'source', version: '6.0.1', flavor: 'nodebug' },
  '6.0.1-split': { kind: 'split-root', version: '6.0.1' },
};

/** Every build name, in the order of the testbed README's table. */
export const BUILD_NAMES = Object.keys(RECIPES) as readonly BuildName[];

export const KAMAILIO = process.env.KAMHEAP_KAMAILIO ?? '/usr/sbin/kamailio';
const DEBIAN_MODULE_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
const DEBIAN_MODULES = process.env.KAMHEAP_KAMAILIO_MODULES ?? DEBIAN_MODULE_DIR;
const VERSION_TIMEOUT_MS = 30_000;

/** Debian's package (KAMHEAP_KAMAILIO / KAMHEAP_KAMCMD override the binaries). */
export const DEBIAN_BUILD: BuildPaths = { binary: KAMAILIO, moduleDir: DEBIAN_MODULES, kamcmd: KAMCMD };

const builds = new Map<BuildName, Promise<KamailioBuild>>();

/**
 * The build behind a name, made first if needed (a source build or root: minutes, progress on
 * stderr); one answer per name and process. Call it in a beforeAll with a long timeout.
 */
export function kamailioBuild(name: BuildName): Promise<KamailioBuild> {
  let build = builds.get(name);
  if (build === undefined) {
    build = makeBuild(RECIPES[name], name);
    // A failed build is not cached: the next caller retries.
    build.catch(() => builds.delete(name));
    builds.set(name, build);
  }
  return build;
}

/** The build behind a StartOptions.build name (kamailioBuild under its older name). */
export const resolveBuild = kamailioBuild;

// Finds or makes the files, then asks the binary which release it is.
async function makeBuild(recipe: Recipe, name: BuildName): Promise<KamailioBuild> {
  switch (recipe.kind) {
    case 'host-package':
      return withVersion(DEBIAN_BUILD, undefined);
    case 'source':
      return withVersion(installedBuild(await runBuildScript(`Kamailio build '${name}'`, 'build-kamailio.sh', [recipe.version, recipe.flavor])), undefined);
    case 'root-package': {
      const root = await runBuildScript(`Kamailio build '${name}'`, 'build-debian13-root.sh', []);
      const paths = { binary: join(root, 'usr/sbin/kamailio'), moduleDir: join(root, DEBIAN_MODULE_DIR), kamcmd: KAMCMD };
      return withVersion(paths, root);
    }
    case 'split-root': {
      const root = await runBuildScript(`Kamailio build '${name}'`, 'build-split-root.sh', [recipe.version]);
      // The install's own kamcmd is a host binary too, but the chrooted builds share the host's.
      const paths = { ...installedBuild(join(root, 'opt', `kamailio-${recipe.version}`)), kamcmd: KAMCMD };
      return withVersion(paths, root);
    }
  }
}

// Runs `kamailio -v` where the build runs (chrooted or not): it proves the binary starts there.
async function withVersion(paths: BuildPaths, root: string | undefined): Promise<KamailioBuild> {
  const [file, args] = root === undefined ? [paths.binary, ['-v']] : ['chroot', [root, pathInRoot(root, paths.binary), '-v']];
  const { stdout } = await execa(file, args, { stdin: 'ignore', timeout: VERSION_TIMEOUT_MS });
  return { ...paths, version: parseVersion(stdout), root };
}

/** The release in `kamailio -v` output ("version: kamailio 6.0.1 (x86_64/linux) fce50d"). */
export function parseVersion(stdout: string): string {
  const m = /^version: kamailio (\d+\.\d+\.\d+)\b/m.exec(stdout);
  if (m === null) throw new Error(`no "version: kamailio X.Y.Z" line in: ${stdout.slice(0, 200)}`);
  return m[1] ?? '';
}

/** A host path inside `root` as the chrooted process sees it ("/tmp/x" for ROOT/tmp/x). */
export function pathInRoot(root: string, hostPath: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  if (!hostPath.startsWith(prefix)) throw new Error(`${hostPath} is not inside the root ${root}`);
  return `/${hostPath.slice(prefix.length)}`;
}

/** Binary, module dir and kamcmd of an install prefix (`make install PREFIX=...`). */
export function installedBuild(prefix: string): BuildPaths {
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
