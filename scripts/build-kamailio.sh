#!/usr/bin/env bash
# Builds Kamailio 5.6.3 from Debian's source package (apt-get source), core plus only the modules
# testbed/kamailio.cfg loads, and installs it into a cache keyed by version, flavor and build flags:
#   dwarf    default CFLAGS (-g): DWARF types and statics; MEMDBG=1 (per-fragment debug fields)
#   nodebug  MEMDBG=0: q_malloc/f_malloc fragments without file/func/mname/line
# Usage: scripts/build-kamailio.sh [dwarf|nodebug]. A complete cached build is reused at once.
# Progress and the build log tail go to stderr; the last (only) line on stdout is the install dir.
# Cache: ${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/kamailio-5.6.3-FLAVOR/. Concurrent runs are
# serialized with flock. Needs root (or sudo) only when apt has something to do.
set -euo pipefail
exec 3>&1 1>&2

VERSION=5.6.3
FLAVOR=${1:-dwarf}
MODULES="tm sl pv xlog maxfwd textops siputils usrloc registrar htable ctl corex kex cfg_rpc"
TOOLS="gcc libc6-dev make flex bison pkg-config dpkg-dev"
# Bump when the recipe below changes in a way that changes the result.
RECIPE=1
case "$FLAVOR" in
  dwarf) FLAVOR_FLAGS="MEMDBG=1" ;;
  nodebug) FLAVOR_FLAGS="MEMDBG=0" ;;
  *) echo "usage: $0 [dwarf|nodebug]" >&2; exit 2 ;;
esac

CACHE=${KAMHEAP_BUILD_CACHE:-${HOME:?set HOME or KAMHEAP_BUILD_CACHE}/.cache/kamheap}
DEST=$CACHE/kamailio-$VERSION-$FLAVOR
STAMP=$DEST/.kamheap-build-stamp
LOG=$CACHE/kamailio-$VERSION-$FLAVOR.build.log
KEY=$(printf '%s|' "$VERSION" "$FLAVOR" "$FLAVOR_FLAGS" "$MODULES" "$RECIPE" | sha256sum | cut -c1-16)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -qq -o Acquire::Retries=3 -o Acquire::http::Timeout=60 -o DPkg::Lock::Timeout=600)

# One progress line on stderr, with the seconds since the start.
log() { echo "build-kamailio[$FLAVOR] +${SECONDS}s: $*" >&2; }

# True when DEST holds a complete install made with the current key.
complete() {
  [ -x "$DEST/sbin/kamailio" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ]
}

# Prints the install dir as the last stdout line and exits.
finish() {
  echo "$DEST" >&3
  exit 0
}

# True when apt has a deb-src index target for bookworm main (from any sources file).
have_deb_src() {
  apt-get indextargets --format '$(RELEASE) $(COMPONENT)' 'Created-By: Sources' 2>/dev/null \
    | grep -qx 'bookworm main'
}

# Adds kamheap-src.sources unless some deb-src entry for bookworm main already exists.
ensure_deb_src() {
  have_deb_src && return 0
  log "adding deb-src for bookworm main (/etc/apt/sources.list.d/kamheap-src.sources)"
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
    | $SUDO tee /etc/apt/sources.list.d/kamheap-src.sources >/dev/null
}

# The Debian revision of the 5.6.3 source package apt knows, e.g. 5.6.3-2 (empty if none).
source_version() {
  apt-cache showsrc --only-source kamailio 2>/dev/null \
    | sed -n "s/^Version: \(${VERSION//./\\.}-.*\)$/\1/p" | sort -V | tail -n 1
}

# Installs the build tools that are missing; refreshes the indexes when needed. Under a lock.
ensure_apt() {
  local missing=() pkg updated=0
  for pkg in $TOOLS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ensure_deb_src
  if [ -z "$(source_version)" ] || [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get update"
    $SUDO apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1
    updated=1
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    $SUDO apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1
  fi
  [ -n "$(source_version)" ] || { log "no kamailio $VERSION source package (updated=$updated)"; exit 1; }
}

# Fetches the source package into $CACHE/src (apt checks the files already there against the
# signed index and downloads only what is missing or wrong). Under the apt lock.
fetch_source() {
  mkdir -p "$CACHE/src"
  log "apt-get source kamailio=$(source_version)"
  (cd "$CACHE/src" && apt-get "${APT_OPTS[@]}" source --download-only "kamailio=$(source_version)") >>"$LOG" 2>&1
}

# Unpacks a fresh tree with Debian's patches applied (dpkg-source cannot check the .dsc signature
# without debian-keyring: harmless, apt checked the files' hashes).
unpack_source() {
  local debver
  debver=$(source_version)
  rm -rf "$BUILD"
  mkdir -p "$BUILD"
  dpkg-source -x "$CACHE/src/kamailio_${debver#*:}.dsc" "$BUILD/kamailio-$VERSION" >>"$LOG" 2>&1
}

# Every module of the tree that the testbed does not load (the cfg's exclude list).
excluded_modules() {
  local dir name keep=" $MODULES "
  for dir in "$BUILD/kamailio-$VERSION/src/modules"/*/; do
    name=$(basename "$dir")
    [[ "$keep" == *" $name "* ]] || printf '%s ' "$name"
  done
}

# make cfg / all / install with the flavor's flags; bounded in time.
build_install() {
  local tree="$BUILD/kamailio-$VERSION" jobs
  jobs=$(nproc)
  rm -rf "$DEST"
  log "make cfg ($FLAVOR_FLAGS, modules: $MODULES)"
  timeout 600 make -C "$tree" PREFIX="$DEST" $FLAVOR_FLAGS include_modules="$MODULES" \
    exclude_modules="$(excluded_modules)" cfg >>"$LOG" 2>&1
  log "make -j$jobs all"
  timeout 3600 make -C "$tree" -j"$jobs" all >>"$LOG" 2>&1
  log "make install -> $DEST"
  timeout 1200 make -C "$tree" install >>"$LOG" 2>&1
  [ -x "$DEST/sbin/kamailio" ] || { log "no $DEST/sbin/kamailio after make install"; exit 1; }
  echo "$KEY" >"$STAMP"
}

# On a failed exit: say where the log is and show its tail.
on_exit() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  log "FAILED (exit $status); full log: $LOG"
  tail -n 30 "$LOG" >&2 || true
}

# Cache hit, or lock, install tools, fetch, unpack, build, install. A function, so bash has read all of
# it before it runs (editing the file during a build cannot derail the run).
main() {
  if complete; then finish; fi
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.kamailio-$VERSION-$FLAVOR.lock"
  flock -n 9 || { log "another run is building $FLAVOR: waiting for its lock"; flock -w 7200 9; }
  if complete; then log "built meanwhile by another run"; finish; fi

  BUILD=$CACHE/build/kamailio-$VERSION-$FLAVOR
  : >"$LOG"
  trap on_exit EXIT
  exec 8>"$CACHE/.apt.lock"
  flock -w 1800 8
  ensure_apt
  fetch_source
  exec 8>&-
  unpack_source
  build_install
  rm -rf "$BUILD"
  rmdir "$CACHE/build" 2>/dev/null || true
  log "done"
  finish
}

main "$@"
