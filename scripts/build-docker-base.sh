#!/usr/bin/env bash
# Makes the root file system of a Debian 12 (bookworm) base image without any container registry:
#   mmdebstrap --variant=apt bookworm ROOTFS.tar SOURCES...
# with bookworm, bookworm-updates and bookworm-security from Debian's archive (the image's own apt
# uses the same sources). `docker import ROOTFS.tar` makes it an image, the BASE of
# docker/Dockerfile and docker/Dockerfile.kamailio (testbed/docker-images.ts does it).
# The tar is cached as ${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/docker/debian-12-rootfs.tar,
# keyed by the recipe below (a stamp file beside it holds the key); it is a snapshot of the archive
# on the day it was made. Needs mmdebstrap (scripts/setup.sh installs it).
# Usage: scripts/build-docker-base.sh. Progress on stderr; the last (only) stdout line is the tar's
# path. Needs root (mmdebstrap's root mode).
set -euo pipefail
exec 3>&1 1>&2

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY=http://deb.debian.org/debian-security
VARIANT=apt
# dpkg without fsync, apt without translations: as Debian's images on Docker Hub are set up
# (they stay in the image, /etc/dpkg/dpkg.cfg.d/99mmdebstrap and /etc/apt/apt.conf.d/99mmdebstrap);
# dpkg's fsync per file makes apt in a `docker build` several times slower.
OPTIONS=(--dpkgopt=force-unsafe-io --aptopt='Acquire::Languages "none"')
# Bump when the recipe below changes in a way that changes the result.
RECIPE=2

CACHE=${KAMHEAP_BUILD_CACHE:-${HOME:?set HOME or KAMHEAP_BUILD_CACHE}/.cache/kamheap}
DIR=$CACHE/docker
DEST=$DIR/debian-12-rootfs.tar
STAMP=$DEST.stamp
LOG=$DIR/debian-12-rootfs.build.log
KEY=$(printf '%s|' "$SUITE" "$MIRROR" "$SECURITY" "$VARIANT" "${OPTIONS[@]}" "$RECIPE" | sha256sum | cut -c1-16)

# One progress line on stderr, with the seconds since the start.
log() { echo "build-docker-base +${SECONDS}s: $*" >&2; }

# True when DEST is a complete tar made with the current key.
complete() {
  [ -s "$DEST" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ]
}

# Prints the tar's path as the last stdout line and exits.
finish() {
  echo "$DEST" >&3
  exit 0
}

# mmdebstrap into a temp tar beside DEST, renamed over it once complete, then stamped.
make_tar() {
  local sources=(
    "deb $MIRROR $SUITE main"
    "deb $MIRROR $SUITE-updates main"
    "deb $SECURITY $SUITE-security main"
  )
  rm -f "$NEW"
  log "mmdebstrap --variant=$VARIANT $SUITE (one to four minutes)"
  timeout 1800 mmdebstrap --variant="$VARIANT" --format=tar "${OPTIONS[@]}" "$SUITE" "$NEW" "${sources[@]}" >>"$LOG" 2>&1
  [ -s "$NEW" ] || { log "mmdebstrap made no tar"; exit 1; }
  rm -f "$STAMP"
  mv "$NEW" "$DEST"
  echo "$KEY" >"$STAMP"
}

# On a failed exit: say where the log is and show its tail; drop a half-made tar.
on_exit() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  rm -f "${NEW:-}"
  log "FAILED (exit $status); full log: $LOG"
  tail -n 30 "$LOG" >&2 || true
}

# Cache hit, or lock, make and stamp the tar. A function, so bash has read all
# of it before it runs.
main() {
  if complete; then finish; fi
  [ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap)"; exit 1; }
  mkdir -p "$DIR"
  exec 9>"$DIR/.debian-12-rootfs.lock"
  flock -n 9 || { log "another run is making the tar: waiting for its lock"; flock -w 3600 9; }
  if complete; then log "made meanwhile by another run"; finish; fi

  NEW=$DEST.new.$$
  : >"$LOG"
  trap on_exit EXIT
  command -v mmdebstrap >/dev/null || { log "mmdebstrap is missing: scripts/setup.sh installs it"; exit 1; }
  make_tar
  log "done"
  finish
}

main "$@"
