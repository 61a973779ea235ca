#!/usr/bin/env bash
# Installs what kamheap and its tests need on Debian 12 (bookworm): gdb, gcc, Kamailio, sipp, and the
# npm packages. Idempotent; runs as root (or through sudo). Needs Node.js >= 20 on PATH.
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
# what gdb opens while the target is stopped.
for cmd in gdb gcc kamailio kamcmd sipp setpriv strace; do
  command -v "$cmd" >/dev/null || need+=("$cmd")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing gdb gcc kamailio sip-tester strace (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends gdb gcc kamailio sip-tester util-linux procps strace >/dev/null
fi

# The package starts a system Kamailio on the default ports; kamheap's demo and tests start their
# own on loopback and do not need it.
if command -v systemctl >/dev/null && systemctl is-active --quiet kamailio 2>/dev/null; then
  $SUDO systemctl stop kamailio || true
fi

# Opt-in: Kamailio 5.6.3 built from Debian's source, with DWARF (dwarf) and without the memory
# debug fields (nodebug), cached in ${KAMHEAP_BUILD_CACHE:-~/.cache/kamheap}; a few minutes the
# first time, nothing once cached. Tests build them on demand anyway; this only does it up front.
if [ "${KAMHEAP_SOURCE_BUILDS:-0}" = "1" ]; then
  for flavor in dwarf nodebug; do
    echo "setup: Kamailio source build '$flavor' (KAMHEAP_SOURCE_BUILDS=1)"
    # as the caller (the cache is theirs); the script uses sudo for apt only
    bash scripts/build-kamailio.sh "$flavor" >/dev/null
  done
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build
fi
