#!/usr/bin/env bash
# Installs what kamheap and its tests need on Debian 12 (bookworm): gdb, gcc, Kamailio, sipp,
# mmdebstrap, and the npm packages. Idempotent; runs as root (or through sudo). Needs Node.js >= 20
# on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
# gcc: a test compiles Kamailio 4.x's memory structs to read their DWARF. strace: a test checks
# what gdb opens while the target is stopped. mmdebstrap: the Debian 13 root in which the tests run
# Debian 13's own Kamailio 6.0.1 (scripts/build-debian13-root.sh; that script installs it too).
for cmd in gdb gcc kamailio kamcmd sipp setpriv strace mmdebstrap; do
  command -v "$cmd" >/dev/null || need+=("$cmd")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing gdb gcc kamailio sip-tester strace mmdebstrap (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends gdb gcc kamailio sip-tester util-linux procps strace mmdebstrap >/dev/null
fi

# Opt-in: Docker for `npm run test:docker` (docker/): Debian's docker.io (dockerd 20.10; the test
# runs it as a private daemon of its own, never as the system service) and docker-compose (1.29,
# Debian 12 has no `docker compose` plugin). mmdebstrap (above) makes the base image.
if [ "${KAMHEAP_DOCKER:-0}" = "1" ] && { [ ! -x /usr/sbin/dockerd ] || [ ! -x /usr/bin/docker ] || ! command -v docker-compose >/dev/null; }; then
  echo "setup: installing docker.io docker-compose (KAMHEAP_DOCKER=1)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends docker.io docker-compose >/dev/null
fi

# The package starts a system Kamailio on the default ports; kamheap's demo and tests start their
# own on loopback and do not need it.
if command -v systemctl >/dev/null && systemctl is-active --quiet kamailio 2>/dev/null; then
  $SUDO systemctl stop kamailio || true
fi

# Everything below is cached in ${KAMHEAP_BUILD_CACHE:-~/.cache/kamheap} and costs nothing once
# there; tests make what they need on demand anyway (testbed/README.md, "Builds"), these only do it
# up front. Times measured on 2 cores, cold (sources fetched) / cached:
#   5.6.3 dwarf, nodebug (npm test)               about 1-2 min each / 0.05 s
#   Debian 13 root, 6.0.1 package (npm test)      42-98 s (mmdebstrap) / 0.07 s
#   6.0.1 dwarf, nodebug (npm run test:releases)  63-130 s each / 0.05 s
#   6.0.1 split (npm run test:releases)           4-5 s after dwarf and the root / 0.24 s
# Opt-in: Kamailio 5.6.3 built from Debian 12's source, with DWARF (dwarf) and without the memory
# debug fields (nodebug).
if [ "${KAMHEAP_SOURCE_BUILDS:-0}" = "1" ]; then
  for flavor in dwarf nodebug; do
    echo "setup: Kamailio source build '$flavor' (KAMHEAP_SOURCE_BUILDS=1)"
    # as the caller (the cache is theirs); the script uses sudo for apt only
    bash scripts/build-kamailio.sh "$flavor" >/dev/null
  done
fi
# Opt-in: the Kamailio 6.0.1 beds of `npm run test:releases`: the Debian 13 root, 6.0.1 built from
# Debian 13's source (dwarf, nodebug), and split (the dwarf build stripped, its DWARF by build-id
# in a copy of the root). Root and split need root (mmdebstrap, chroot).
if [ "${KAMHEAP_RELEASE_BUILDS:-0}" = "1" ]; then
  echo "setup: Debian 13 root and Kamailio 6.0.1 source builds (KAMHEAP_RELEASE_BUILDS=1)"
  bash scripts/build-debian13-root.sh >/dev/null
  for flavor in dwarf nodebug split; do bash scripts/build-kamailio.sh 6.0.1 "$flavor" >/dev/null; done
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build
fi
