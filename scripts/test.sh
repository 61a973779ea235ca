#!/usr/bin/env bash
# The test command of the README and of CI: install what is missing, then build, type-check and run
# every test (unit and integration against a real Kamailio), ending with a plain "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
