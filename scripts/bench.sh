#!/usr/bin/env bash
# The bench (`npm run bench [-- FIGURE...]`, docs/benchmarks.md): sets up what the product and its
# baselines need as the start command does (the pinned engines for the local provider and bare
# cwltool), then runs bench/run-all.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
source scripts/engines.sh
exec npx ts-node --transpile-only bench/run-all.ts "$@"
