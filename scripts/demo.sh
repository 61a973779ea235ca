#!/usr/bin/env bash
# The main job in one command: install everything, start a demo Kamailio on loopback with the
# repo's config, load it with sipp, walk its shm heap and one worker's pkg heap, print summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/scripts/demo.js "$@"
