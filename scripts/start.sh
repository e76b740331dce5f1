#!/usr/bin/env bash
# The start command (`npm start`): the whole product on embedded defaults (src/main.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
source scripts/engines.sh
npm run --silent build
npm run --silent build:cli
exec node dist/src/main.js
