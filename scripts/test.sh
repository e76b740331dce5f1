#!/usr/bin/env bash
# The test command (`npm test`): type-checks, then runs every jest test against a real Temporal
# dev server that the tests start from the CLI binary temporal-dev.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
./temporal-dev.sh install
for engine in cwltool snakemake; do
  command -v "$engine" >/dev/null || { echo "$engine is missing: apt-get install $engine (see .ci/run)" >&2; exit 1; }
done
npx tsc --noEmit -p tsconfig.json
npx jest "$@"
