#!/usr/bin/env bash
# Proves kamheap runs on the Node.js Debian 12 ships (18.x): makes a fresh Debian 12 root with
# Debian's own nodejs, gdb and kamailio packages (and zsh, man-db) (mmdebstrap --variant=apt, cached in
# ${KAMHEAP_BUILD_CACHE:-~/.cache/kamheap}/debian-12-node-root, keyed by the recipe), and runs,
# chrooted there with /usr/bin/node 18 (not the host's Node): the unit tests, then
# test/integration/node-runtime.integration.test.ts (the CLI's --version, parse of a fixture,
# walk of a real Kamailio started in the root). The working tree (built, with node_modules
# installed by `npm ci`) is bind-mounted at its own path in a private mount namespace: nothing is
# mounted on the host, nothing is installed there. Needs root. Usage: npm run check:node18
# [-- UNIT-TEST-FILE...] (given files, only those unit tests run, then the CLI checks).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
PACKAGES="nodejs gdb kamailio"
# Bump when the recipe changes in a way that changes the result.
RECIPE=1
CACHE=${KAMHEAP_BUILD_CACHE:-${HOME:?set HOME or KAMHEAP_BUILD_CACHE}/.cache/kamheap}
ROOT=$CACHE/debian-12-node-root
KEY=$(printf '%s|' "$SUITE" "$MIRROR" "$PACKAGES" "$RECIPE" | sha256sum | cut -c1-16)

# One progress line on stderr, with the seconds since the start.
log() { echo "check-node18 +${SECONDS}s: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap, chroot, mounts)"; exit 1; }
[ -d "$REPO/node_modules" ] && [ -f "$REPO/dist/src/cli/index.js" ] || { log "run npm ci first (installs and builds)"; exit 1; }

# The root, made once per recipe (a new one beside the old, renamed over it when complete).
mkdir -p "$CACHE"
exec 9>"$CACHE/.debian-12-node-root.lock"
flock -w 3600 9
if [ "$(cat "$ROOT/.kamheap-build-stamp" 2>/dev/null)" != "$KEY" ]; then
  command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
  rm -rf "$ROOT.new"
  log "mmdebstrap --variant=apt --include=${PACKAGES// /,} $SUITE (a minute or two)"
  timeout 1800 mmdebstrap --variant=apt --include="${PACKAGES// /,}" "$SUITE" "$ROOT.new" "$MIRROR" >"$CACHE/debian-12-node-root.build.log" 2>&1 \
    || { tail -n 20 "$CACHE/debian-12-node-root.build.log" >&2; exit 1; }
  echo "$KEY" >"$ROOT.new/.kamheap-build-stamp"
  rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
fi
# The completion and man page tests' shells and man(1): added to the root when missing.
if ! chroot "$ROOT" sh -c 'command -v zsh && command -v man' >/dev/null; then
  log "apt-get install zsh man-db in the root"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  chroot "$ROOT" apt-get update -qq >&2
  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zsh man-db >&2
fi
exec 9>&-

# In a mount namespace of its own (gone with its last process): the root's /proc, /dev, /tmp and
# the working tree at its own path; then the checks, chrooted, with the root's /usr/bin/node.
log "running in the Debian 12 root: $(chroot "$ROOT" dpkg-query -W -f='nodejs ${Version}, kamailio ' nodejs)$(chroot "$ROOT" dpkg-query -W -f='${Version}' kamailio)"
UNIT_FILES="$*"
case $UNIT_FILES in *[!A-Za-z0-9_./\ -]*) log "unit test files: letters, digits, _ . / - only"; exit 2 ;; esac
exec unshare --mount --propagation private -- bash -euo pipefail -c '
  root=$1 repo=$2 unit_files=$3
  # The root mmdebstrap makes has no /etc/hosts: vitest and the testbed resolve localhost.
  [ -f "$root/etc/hosts" ] || printf "127.0.0.1 localhost\n::1 localhost ip6-localhost\n" >"$root/etc/hosts"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mount -t tmpfs tmpfs "$root/tmp"
  mkdir -p "$root$repo"
  mount --bind "$repo" "$root$repo"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp CI=true KAMHEAP_NODE_MAJOR=18 bash -euo pipefail -c "
    cd $repo
    echo \"node: \$(command -v node) \$(node --version)\" >&2
    case \$(node --version) in v18.*) ;; *) echo \"not Node 18\" >&2; exit 1 ;; esac
    node node_modules/vitest/vitest.mjs run --project unit $unit_files
    node node_modules/vitest/vitest.mjs run --project integration test/integration/node-runtime.integration.test.ts
  "
' check-node18 "$ROOT" "$REPO" "$UNIT_FILES"
