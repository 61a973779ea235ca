#!/usr/bin/env bash
# Makes the 'split' Kamailio: the 6.0.1 dwarf source build (scripts/build-kamailio.sh 6.0.1 dwarf)
# stripped the way Debian's dh_strip strips a package, its DWARF in separate files placed by
# build-id where a -dbgsym package puts them, all inside a copy of the Debian 13 root
# (scripts/build-debian13-root.sh), like a container with the -dbgsym package installed:
#   ROOT/opt/kamailio-VERSION/sbin/kamailio             stripped (no .symtab, no DWARF), with a
#                                                       .gnu_debuglink and its build-id note
#   ROOT/opt/kamailio-VERSION/lib/kamailio/modules/*.so stripped (--strip-unneeded), the same
#   ROOT/usr/lib/debug/.build-id/xx/yyyy.debug          objcopy --only-keep-debug of each of them
# The Debian 13 root itself is never changed: this works on a copy. The copy is cached as
# ${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/kamailio-VERSION-split-root/, keyed by the root's and
# the dwarf build's own keys and the recipe below, so a rebuilt root or dwarf build (a new build-id)
# makes a new copy from scratch, never a copy with stale debug files in it. A new copy is renamed
# over the old one, so an instance still running in the old copy keeps its files.
# Usage: scripts/build-split-root.sh [6.0.1] (or scripts/build-kamailio.sh 6.0.1 split). Progress on
# stderr; the last (only) stdout line is the root copy's path. Needs root (chroot).
set -euo pipefail
exec 3>&1 1>&2

VERSION=${1:-6.0.1}
HERE=$(cd "$(dirname "$0")" && pwd)
# Where the stripped install lives inside the root.
PREFIX=/opt/kamailio-$VERSION
DEBUG_DIR=/usr/lib/debug/.build-id
# Bump when the recipe below changes in a way that changes the result.
RECIPE=1

CACHE=${KAMHEAP_BUILD_CACHE:-${HOME:?set HOME or KAMHEAP_BUILD_CACHE}/.cache/kamheap}
DEST=$CACHE/kamailio-$VERSION-split-root
STAMP=$DEST/.kamheap-build-stamp
LOG=$CACHE/kamailio-$VERSION-split-root.build.log

# One progress line on stderr, with the seconds since the start.
log() { echo "build-split-root[$VERSION] +${SECONDS}s: $*" >&2; }

# True when DEST is a complete copy made with KEY.
complete() {
  [ -x "$DEST$PREFIX/sbin/kamailio" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ]
}

# Prints the root copy's path as the last stdout line and exits.
finish() {
  echo "$DEST" >&3
  exit 0
}

# The hex build-id of an ELF file (empty if it has none).
build_id() {
  readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: \([0-9a-f]*\)$/\1/p' | head -n 1
}

# dh_strip's steps for one ELF file of the copy (debhelper 13): objcopy --only-keep-debug
# --compress-debug-sections into the build-id path, strip, objcopy --add-gnu-debuglink.
split_one() {
  local file=$1 id debug
  shift
  id=$(build_id "$file")
  [ -n "$id" ] || { log "no build-id in $file: cannot place its debug file"; exit 1; }
  debug=$NEW$DEBUG_DIR/${id:0:2}/${id:2}.debug
  mkdir -p "$(dirname "$debug")"
  objcopy --only-keep-debug --compress-debug-sections "$file" "$debug"
  chmod 0644 "$debug"
  strip --remove-section=.comment --remove-section=.note "$@" "$file"
  objcopy --add-gnu-debuglink="$debug" "$file"
}

# Copies the dwarf install into the root copy and splits the executables and modules.
install_split() {
  local file
  mkdir -p "$NEW$PREFIX"
  cp -a "$DWARF/." "$NEW$PREFIX/"
  rm -f "$NEW$PREFIX/.kamheap-build-stamp"
  for file in "$NEW$PREFIX"/sbin/*; do
    if [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ]; then split_one "$file"; fi
  done
  for file in "$NEW$PREFIX"/lib*/kamailio/modules/*.so; do split_one "$file" --strip-unneeded; done
}

# The stripped binary runs in the root, has no DWARF, and its build-id names its debug file.
check_split() {
  local binary=$NEW$PREFIX/sbin/kamailio id
  id=$(build_id "$binary")
  [ -f "$NEW$DEBUG_DIR/${id:0:2}/${id:2}.debug" ] || { log "no debug file for build-id $id"; exit 1; }
  [ "$(build_id "$NEW$DEBUG_DIR/${id:0:2}/${id:2}.debug")" = "$id" ] || { log "debug file of another build-id"; exit 1; }
  if readelf -S "$binary" | grep -q '\.debug_info\|\.symtab'; then log "$binary still has DWARF or a symtab"; exit 1; fi
  chroot "$NEW" "$PREFIX/sbin/kamailio" -v | grep -q "kamailio $VERSION " \
    || { log "the split binary does not run in the root"; exit 1; }
  log "kamailio $VERSION, build-id $id: stripped binary and $DEBUG_DIR/${id:0:2}/${id:2}.debug"
}

# On a failed exit: say where the log is and show its tail; drop a half-made copy.
on_exit() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  rm -rf "${NEW:-}"
  log "FAILED (exit $status); full log: $LOG"
  tail -n 30 "$LOG" >&2 || true
}

# Gets the root and the dwarf build (cached, or made now), then reuses or makes the copy.
main() {
  [ "$(id -u)" -eq 0 ] || { log "needs root (chroot)"; exit 1; }
  ROOT=$(bash "$HERE/build-debian13-root.sh" | tail -n 1)
  DWARF=$(bash "$HERE/build-kamailio.sh" "$VERSION" dwarf | tail -n 1)
  KEY=$(printf '%s|' "$VERSION" "$(cat "$ROOT/.kamheap-build-stamp")" "$(cat "$DWARF/.kamheap-build-stamp")" \
    "$PREFIX" "$RECIPE" | sha256sum | cut -c1-16)
  if complete; then finish; fi
  mkdir -p "$CACHE/build"
  exec 9>"$CACHE/.kamailio-$VERSION-split.lock"
  flock -n 9 || { log "another run holds the split root: waiting for its lock"; flock -w 3600 9; }
  if complete; then log "built meanwhile by another run"; finish; fi

  NEW=$CACHE/build/kamailio-$VERSION-split-root.new
  : >"$LOG"
  trap on_exit EXIT
  rm -rf "$NEW"
  # Shared locks: neither the root nor the dwarf build is rebuilt while they are copied.
  exec 7>"$CACHE/.debian-13-root.lock" 6>"$CACHE/.kamailio-$VERSION-dwarf.lock"
  flock -s -w 3600 7
  flock -s -w 3600 6
  log "copying $ROOT"
  cp -a "$ROOT" "$NEW"
  # Instances running in the root keep their temp dirs (sockets, logs) in its /tmp.
  find "$NEW/tmp" -mindepth 1 -delete
  log "splitting the debug info of $DWARF"
  install_split >>"$LOG" 2>&1
  exec 6>&- 7>&-
  check_split
  echo "$KEY" >"$NEW/.kamheap-build-stamp"
  if [ -e "$DEST" ]; then mv "$DEST" "$CACHE/build/kamailio-$VERSION-split-root.old.$$"; fi
  mv "$NEW" "$DEST"
  rm -rf "$CACHE/build/kamailio-$VERSION-split-root.old.$$"
  rmdir "$CACHE/build" 2>/dev/null || true
  log "done"
  finish
}

main "$@"
