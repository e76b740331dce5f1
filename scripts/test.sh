#!/usr/bin/env bash
# The test command (`npm test`): type-checks, lints (ESLint and Prettier, `npm run lint`), then runs
# every jest test against a real Temporal dev server that the tests start from the CLI binary
# temporal-dev.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
source scripts/engines.sh
npx tsc --noEmit -p tsconfig.json
npm run --silent build:cli
npm run --silent lint
npx jest "$@"
