#!/usr/bin/env bash
# The test command (`npm test`): type-checks, then runs every jest test against a real Temporal
# dev server that the tests start from the CLI binary temporal-dev.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
./temporal-dev.sh install
command -v cwltool >/dev/null || { echo "cwltool is missing: apt-get install cwltool (see .ci/run)" >&2; exit 1; }
npx tsc --noEmit -p tsconfig.json
npx jest "$@"
