#!/usr/bin/env bash
# Builds Kamailio from Debian's source package (apt-get source), core plus only the modules
# testbed/kamailio.cfg loads, on this host, and installs it into a cache keyed by version, flavor
# and build flags:
#   dwarf    default CFLAGS (-g): DWARF types and statics; MEMDBG=1 (per-fragment debug fields)
#   nodebug  MEMDBG=0: q_malloc/f_malloc fragments without file/func/mname/line
#   split    (6.0.1 only) the dwarf build stripped, its DWARF in a separate file by build-id, in a
#            copy of the Debian 13 root: scripts/build-split-root.sh, which this hands over to
# Versions: 5.6.3 (default) from bookworm's sources, 6.0.1 from trixie's (Debian 13), each through
# a deb-src entry added for that suite alone (never a deb line: nothing is installed from it).
# Usage: scripts/build-kamailio.sh [VERSION] [dwarf|nodebug|split]. A complete cached build is
# reused at once. Progress and the build log tail go to stderr; the last (only) line on stdout is
# the install dir. Cache: ${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/kamailio-VERSION-FLAVOR/.
# Concurrent runs are serialized with flock. Needs root (or sudo) only when apt has something to do.
set -euo pipefail
exec 3>&1 1>&2

VERSION=5.6.3
if [[ "${1:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then VERSION=$1; shift; fi
FLAVOR=${1:-dwarf}
MODULES="tm sl pv xlog maxfwd textops siputils usrloc registrar htable ctl corex kex cfg_rpc"
TOOLS="gcc libc6-dev make flex bison pkg-config dpkg-dev"
# Bump when the recipe below changes in a way that changes the result.
RECIPE=1
# The Debian release whose source package carries VERSION.
case "$VERSION" in
  5.6.3) SUITE=bookworm ;;
  6.0.1) SUITE=trixie ;;
  *) echo "$0: unknown version $VERSION (known: 5.6.3, 6.0.1)" >&2; exit 2 ;;
esac
case "$FLAVOR" in
  dwarf) FLAVOR_FLAGS="MEMDBG=1" ;;
  nodebug) FLAVOR_FLAGS="MEMDBG=0" ;;
  split)
    [ "$VERSION" = 6.0.1 ] || { echo "$0: split is made of 6.0.1 only" >&2; exit 2; }
    exec 1>&3 3>&-
    exec bash "$(dirname "$0")/build-split-root.sh" "$VERSION" ;;
  *) echo "usage: $0 [5.6.3|6.0.1] [dwarf|nodebug|split]" >&2; exit 2 ;;
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
log() { echo "build-kamailio[$VERSION-$FLAVOR] +${SECONDS}s: $*" >&2; }

# True when DEST holds a complete install made with the current key.
complete() {
  [ -x "$DEST/sbin/kamailio" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ]
}

# Prints the install dir as the last stdout line and exits.
finish() {
  echo "$DEST" >&3
  exit 0
}

# True when apt has a deb-src index target for SUITE main (from any sources file).
have_deb_src() {
  apt-get indextargets --format '$(RELEASE) $(COMPONENT)' 'Created-By: Sources' 2>/dev/null \
    | grep -qx "$SUITE main"
}

# Adds a deb-src entry for SUITE main unless one exists already (bookworm's file keeps the name
# it has always had, kamheap-src.sources; other suites get kamheap-src-SUITE.sources).
ensure_deb_src() {
  have_deb_src && return 0
  local file=/etc/apt/sources.list.d/kamheap-src.sources
  [ "$SUITE" = bookworm ] || file=/etc/apt/sources.list.d/kamheap-src-$SUITE.sources
  log "adding deb-src for $SUITE main ($file)"
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' "Suites: $SUITE" \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
    | $SUDO tee "$file" >/dev/null
}

# The Debian revision of the VERSION source package apt knows, e.g. 5.6.3-2 (empty if none).
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
# signed index and downloads only what is missing or wrong). Under the apt lock. When apt fails,
# what it fetched is checked by hand (verify_fetched), and only an upstream signature may be missing.
fetch_source() {
  mkdir -p "$CACHE/src"
  log "apt-get source kamailio=$(source_version)"
  UNPACK_OPTS=()
  if ! (cd "$CACHE/src" && apt-get "${APT_OPTS[@]}" source --download-only "kamailio=$(source_version)") >>"$LOG" 2>&1; then
    log "apt-get source failed ($(grep -m1 '^E: ' "$LOG" || echo 'see the log')); checking the files it fetched"
    verify_fetched
    # dpkg-source would insist on the missing signature file; the hashes were checked above.
    UNPACK_OPTS=(--no-check)
  fi
}

# Checks every file of the source package against the SHA-256 in apt's signed Sources index: all
# must be there and match, except an upstream tarball signature (*.asc), which may be missing (the
# archive mirror this was made on answers 404 for kamailio_6.0.1.orig.tar.gz.asc). dpkg-source
# itself checks no signature here either: it has no debian-keyring.
verify_fetched() {
  local debver sum size name checked=0
  debver=$(source_version)
  while read -r sum size name; do
    if [ ! -f "$CACHE/src/$name" ] && [[ "$name" == *.asc ]]; then
      log "missing $name (an upstream signature: not needed to build)"
      continue
    fi
    [ -f "$CACHE/src/$name" ] || { log "apt did not fetch $name"; exit 1; }
    echo "$sum  $CACHE/src/$name" | sha256sum --quiet -c - >>"$LOG" 2>&1 \
      || { log "$name does not match the index's SHA-256"; exit 1; }
    checked=$((checked + 1))
  done < <(apt-cache showsrc --only-source kamailio \
    | awk -v v="$debver" '/^Version: /{ok=($2==v)} /^[^ ]/{sec=$1} ok && sec=="Checksums-Sha256:" && NF==3 {print}')
  [ "$checked" -gt 0 ] || { log "no SHA-256 list for kamailio $debver in apt's index"; exit 1; }
  log "$checked files match the index"
}

# Unpacks a fresh tree with Debian's patches applied (dpkg-source cannot check the .dsc signature
# without debian-keyring: harmless, apt checked the files' hashes).
unpack_source() {
  local debver
  debver=$(source_version)
  rm -rf "$BUILD"
  mkdir -p "$BUILD"
  dpkg-source "${UNPACK_OPTS[@]}" -x "$CACHE/src/kamailio_${debver#*:}.dsc" "$BUILD/kamailio-$VERSION" >>"$LOG" 2>&1
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
  flock -n 9 || { log "another run holds $VERSION-$FLAVOR: waiting for its lock"; flock -w 7200 9; }
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
