// The images of docker/, built in a private daemon without any registry: the Debian 12 base made
// by mmdebstrap (scripts/build-docker-base.sh) and `docker import`ed, then docker/Dockerfile
// (kamheap) and docker/Dockerfile.kamailio on it with the legacy builder, whose layer cache (in the
// daemon's data root, CACHE/docker/data) makes a rebuild of unchanged inputs take seconds.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { testbedAsset } from './assets.js';
import { runBuildScript } from './build-script.js';
import type { DockerDaemon } from './docker-daemon.js';

const BUILD_TIMEOUT_MS = 45 * 60_000;
// Certificates added to this host's trust (update-ca-certificates), such as a TLS-intercepting
// proxy's on the way to the npm registry: npm in the build stage must trust them too.
const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';
const IMPORT_TIMEOUT_MS = 10 * 60_000;

/** The images docker/compose.yaml names. */
export const KAMHEAP_IMAGE = 'kamheap:latest';
export const KAMAILIO_IMAGE = 'kamheap-kamailio:latest';

/** The repository's root: the build context of docker/Dockerfile*. */
export function dockerContext(): string {
  return dirname(dirname(testbedAsset('../docker/Dockerfile')));
}

/** The imported base image, `kamheap-base:bookworm-KEY` (KEY: the tar's recipe). */
export async function baseImage(daemon: DockerDaemon): Promise<string> {
  const tar = await runBuildScript('Debian 12 base image (mmdebstrap)', 'build-docker-base.sh', []);
  const tag = `kamheap-base:bookworm-${readFileSync(`${tar}.stamp`, 'utf8').trim()}`;
  const present = await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', tag], { reject: false });
  if (present.exitCode !== 0) {
    process.stderr.write(`kamheap testbed: docker import ${tar} ${tag}\n`);
    await daemon.docker(['import', tar, tag], { timeoutMs: IMPORT_TIMEOUT_MS });
  }
  return tag;
}

/** `docker build` of docker/DOCKERFILE on BASE as TAG (host network for apt and npm). Nothing is
 * pruned: the build stage's layers are untagged, and a prune would drop the cache of its apt. */
export async function buildImage(daemon: DockerDaemon, dockerfile: string, tag: string, base: string): Promise<void> {
  process.stderr.write(`kamheap testbed: docker build -f docker/${dockerfile} -t ${tag} (cached layers: seconds; cold: minutes)\n`);
  const args = ['build', '--network', 'host', '--build-arg', `BASE=${base}`, '--build-arg', `EXTRA_CA_CERTS=${localCaCerts()}`, '-f', testbedAsset(`../docker/${dockerfile}`), '-t', tag, dockerContext()];
  await daemon.docker(args, { timeoutMs: BUILD_TIMEOUT_MS });
}

/** The base, the kamheap image and the Kamailio image; returns the base's tag. */
export async function buildAllImages(daemon: DockerDaemon): Promise<string> {
  const base = await baseImage(daemon);
  await buildImage(daemon, 'Dockerfile.kamailio', KAMAILIO_IMAGE, base);
  await buildImage(daemon, 'Dockerfile', KAMHEAP_IMAGE, base);
  return base;
}

/** The PEM text of the host's locally added CA certificates ('' when there are none). */
export function localCaCerts(): string {
  if (!existsSync(LOCAL_CA_DIR)) return '';
  const files = readdirSync(LOCAL_CA_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.crt')).sort();
  return files.map((name) => readFileSync(join(LOCAL_CA_DIR, name), 'utf8').trim()).join('\n');
}
