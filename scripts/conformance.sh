#!/usr/bin/env bash
# The CWL v1.2 conformance suite (`npm run conformance [-- -n 1-10 | --tags t1,t2 | --no-build]`,
# docs/conformance.md): sets up the engines as the start command does, then runs
# scripts/conformance/run.ts, which starts durable-wes and runs the suite through it and bare
# (`--minutes N`: interrupted after N minutes; `--table`: the table again from the last reports).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
source scripts/engines.sh
exec npx ts-node --transpile-only scripts/conformance/run.ts "$@"
