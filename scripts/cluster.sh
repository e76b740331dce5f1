#!/usr/bin/env bash
# `npm run cluster -- COMMAND`: durable-wes on a Temporal cluster, all on loopback (src/cluster/main.ts
# says the commands; docs/deployment.md, "A cluster on one machine"). The engines go on PATH first,
# for the workers it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
source scripts/engines.sh
exec node -r ts-node/register/transpile-only src/cluster/main.ts "$@"
