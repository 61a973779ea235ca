#!/usr/bin/env bash
# Installs what kamheap and its tests need on Debian 12 (bookworm): Node.js and npm (Debian's own,
# 18, when no node is on PATH), gdb, gcc, Kamailio, sipp, mmdebstrap, zsh and man-db, and the npm
# packages. Idempotent; runs as root (or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# kamheap runs on Node.js 18.19 and later (package.json engines): Debian 12 ships 18.19+. A node
# already on PATH (a newer one from elsewhere) is used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: installing Debian's nodejs and npm (no node or npm on PATH)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)'; then
  echo "setup: Node.js 18.19 or later is required (found: $(node --version))" >&2
  exit 1
fi

need=()
# gcc: a test compiles Kamailio 4.x's memory structs to read their DWARF. strace: a test checks
# what gdb opens while the target is stopped. mmdebstrap: the Debian 13 root in which the tests run
# Debian 13's own Kamailio 6.0.1 (scripts/build-debian13-root.sh; that script installs it too).
# golang-go: the tests read kamheap's pprof output with the real `go tool pprof`.
# zsh, man-db: the tests of the shell completions and of the man page.
for cmd in gdb gcc kamailio kamcmd sipp setpriv strace mmdebstrap go zsh man; do
  command -v "$cmd" >/dev/null || need+=("$cmd")
done
# libc6-dev: the C helpers the tests build (bench/*.c, docker/kamheap-init.c) include libc's headers.
[ -e /usr/include/stdio.h ] || need+=(libc6-dev)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing gdb gcc libc6-dev kamailio sip-tester strace mmdebstrap golang-go zsh man-db (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends gdb gcc libc6-dev kamailio sip-tester util-linux procps strace mmdebstrap golang-go zsh man-db >/dev/null
fi

# chromium: the report test loads `kamheap report`'s page in headless Chromium (Debian's own).
if ! command -v chromium >/dev/null; then
  echo "setup: installing chromium (the HTML report's browser test)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
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

# prometheus: a test has a real Prometheus scrape `kamheap serve` on loopback, and Debian's package
# ships promtool, which checks serve's output. The package's own service (port 9090, a data dir in
# /var/lib) is not wanted: a policy-rc.d keeps the install from starting it, and it is stopped and
# disabled if it was started anyway.
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  echo "setup: installing prometheus (promtool, and the server a test starts on loopback)"
  export DEBIAN_FRONTEND=noninteractive
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -n "$policy_added" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
if command -v systemctl >/dev/null && systemctl is-enabled --quiet prometheus 2>/dev/null; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  $SUDO systemctl stop prometheus || true
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
