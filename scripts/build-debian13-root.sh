#!/usr/bin/env bash
# Makes a Debian 13 (trixie) root holding Debian's own kamailio package (stripped, with its
# modules), for running that package chrooted on this Debian 12 host as a container would:
#   mmdebstrap --variant=apt --include=PACKAGES trixie ROOT http://deb.debian.org/debian
# and checks that every module testbed/kamailio.cfg loads is in the root's module dir. The root is
# cached in ${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/debian-13-root/, keyed by the recipe below
# (suite, mirror, variant, packages); a root is a snapshot of the archive on the day it was made.
# A new root is made beside the old one and renamed over it, so an instance still running in the
# old root keeps its files. Installs mmdebstrap (Debian 12 package) with apt if it is missing.
# Usage: scripts/build-debian13-root.sh. Progress on stderr; the last (only) stdout line is the
# root's path. Needs root: mmdebstrap's root mode, and chroot to run the package.
set -euo pipefail
exec 3>&1 1>&2

SUITE=trixie
MIRROR=http://deb.debian.org/debian
VARIANT=apt
# kamailio carries all 14 modules of the testbed cfg (kamailio-*-modules hold the ones with
# external libraries); gdb is 16.x, whose DAP interpreter (gdb -i dap, gdb >= 14) kamheap's
# --debugger gdb-dap drives through scripts/gdb16.sh.
PACKAGES="kamailio gdb"
MODULE_DIR=/usr/lib/x86_64-linux-gnu/kamailio/modules
# Bump when the recipe below changes in a way that changes the result.
RECIPE=1

CFG=$(cd "$(dirname "$0")/.." && pwd)/testbed/kamailio.cfg
CACHE=${KAMHEAP_BUILD_CACHE:-${HOME:?set HOME or KAMHEAP_BUILD_CACHE}/.cache/kamheap}
DEST=$CACHE/debian-13-root
STAMP=$DEST/.kamheap-build-stamp
LOG=$CACHE/debian-13-root.build.log
KEY=$(printf '%s|' "$SUITE" "$MIRROR" "$VARIANT" "$PACKAGES" "$RECIPE" | sha256sum | cut -c1-16)
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -qq -o Acquire::Retries=3 -o Acquire::http::Timeout=60 -o DPkg::Lock::Timeout=600)

# One progress line on stderr, with the seconds since the start.
log() { echo "build-debian13-root +${SECONDS}s: $*" >&2; }

# True when DEST is a complete root made with the current key.
complete() {
  [ -x "$DEST/usr/sbin/kamailio" ] && [ -x "$DEST/usr/bin/gdb" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ]
}

# The modules testbed/kamailio.cfg loads that ROOT lacks, one per line (none: empty).
missing_modules() {
  local root=$1 module
  for module in $(sed -n 's/^loadmodule "\([^"]*\)".*/\1/p' "$CFG"); do
    [ -f "$root$MODULE_DIR/$module" ] || echo "$module"
  done
}

# Fails, naming them, when the cfg loads modules the root has not (a module added to the cfg
# whose Debian package is not in PACKAGES).
check_modules() {
  local missing
  missing=$(missing_modules "$1")
  [ -z "$missing" ] && return 0
  log "the root lacks modules testbed/kamailio.cfg loads: $(echo $missing) (add their package to PACKAGES)"
  exit 1
}

# Prints the root's path as the last stdout line and exits.
finish() {
  check_modules "$DEST"
  echo "$DEST" >&3
  exit 0
}

# Installs mmdebstrap from Debian 12's archive when it is missing. Under the apt lock.
ensure_mmdebstrap() {
  command -v mmdebstrap >/dev/null && return 0
  exec 8>"$CACHE/.apt.lock"
  flock -w 1800 8
  log "apt-get install mmdebstrap"
  apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1
  apt-get "${APT_OPTS[@]}" install --no-install-recommends mmdebstrap >>"$LOG" 2>&1
  exec 8>&-
}

# mmdebstrap into a fresh directory beside DEST; stamps it once it is checked.
make_root() {
  rm -rf "$NEW"
  mkdir -p "$(dirname "$NEW")"
  log "mmdebstrap --variant=$VARIANT --include=${PACKAGES// /,} $SUITE (about a minute)"
  timeout 1800 mmdebstrap --variant="$VARIANT" --include="${PACKAGES// /,}" "$SUITE" "$NEW" "$MIRROR" >>"$LOG" 2>&1
  [ -x "$NEW/usr/sbin/kamailio" ] || { log "no /usr/sbin/kamailio in the new root"; exit 1; }
  [ -x "$NEW/usr/bin/gdb" ] || { log "no /usr/bin/gdb in the new root"; exit 1; }
  check_modules "$NEW"
  log "kamailio $(chroot "$NEW" dpkg-query -W -f='${Version}' kamailio) in the root"
  echo "$KEY" >"$NEW/.kamheap-build-stamp"
}

# Renames the new root over DEST; the old one (processes may still run in it) is removed after.
swap_root() {
  local old=$CACHE/build/debian-13-root.old.$$
  if [ -e "$DEST" ]; then mv "$DEST" "$old"; fi
  mv "$NEW" "$DEST"
  rm -rf "$old"
}

# On a failed exit: say where the log is and show its tail; drop a half-made root.
on_exit() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  rm -rf "${NEW:-}"
  log "FAILED (exit $status); full log: $LOG"
  tail -n 30 "$LOG" >&2 || true
}

# Cache hit, or lock, install mmdebstrap, make, check and swap in the root. A function, so bash
# has read all of it before it runs.
main() {
  if complete; then finish; fi
  [ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap, chroot)"; exit 1; }
  mkdir -p "$CACHE"
  # Exclusive while building; scripts/build-split-root.sh holds it shared while it copies DEST.
  exec 9>"$CACHE/.debian-13-root.lock"
  flock -n 9 || { log "another run holds the root: waiting for its lock"; flock -w 3600 9; }
  if complete; then log "built meanwhile by another run"; finish; fi

  NEW=$CACHE/build/debian-13-root.new
  : >"$LOG"
  trap on_exit EXIT
  ensure_mmdebstrap
  make_root
  swap_root
  rmdir "$CACHE/build" 2>/dev/null || true
  log "done"
  finish
}

main "$@"
