#!/usr/bin/env bash
# The chaos suite at full size (`npm run chaos`): the scenarios of test/chaos/ with the issue's
# counts (CHAOS_SCALE=full) instead of the small ones `npm test` runs. Extra arguments go to jest,
# e.g. `npm run chaos -- test/chaos/worker-kill.test.ts`. Figures: .cache/chaos/<scenario>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- test/chaos; fi
CHAOS_SCALE=full exec bash scripts/test.sh "$@"
