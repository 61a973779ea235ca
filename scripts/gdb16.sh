#!/bin/sh
# gdb 16 (with its Debug Adapter Protocol interpreter, gdb -i dap: gdb >= 14) from the Debian 13
# root that scripts/build-debian13-root.sh makes, run on this host side-loaded: the root's own
# dynamic loader, libraries and data directory (its Python included: gdb's DAP is written in
# Python), so nothing is installed on the host and no chroot is needed (gdb sees the host's /proc).
# Usage: kamheap walk --debugger gdb-dap --gdb scripts/gdb16.sh PID; or scripts/gdb16.sh --version.
# The root: $KAMHEAP_GDB_ROOT, else ${KAMHEAP_BUILD_CACHE:-~/.cache/kamheap}/debian-13-root.
# exec all the way: gdb keeps this script's PID, process group and parent-death signal.
ROOT=${KAMHEAP_GDB_ROOT:-${KAMHEAP_BUILD_CACHE:-$HOME/.cache/kamheap}/debian-13-root}
if [ ! -x "$ROOT/usr/bin/gdb" ] || [ ! -x "$ROOT/lib64/ld-linux-x86-64.so.2" ]; then
  echo "gdb16.sh: no gdb in $ROOT: run scripts/build-debian13-root.sh (or set KAMHEAP_GDB_ROOT)" >&2
  exit 127
fi
exec "$ROOT/lib64/ld-linux-x86-64.so.2" \
  --library-path "$ROOT/lib/x86_64-linux-gnu:$ROOT/usr/lib/x86_64-linux-gnu" \
  "$ROOT/usr/bin/gdb" --data-directory "$ROOT/usr/share/gdb" "$@"
