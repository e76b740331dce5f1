#!/usr/bin/env bash
# The test command (`npm test [-- jest args]`): type-checks, lints (ESLint and Prettier, `npm run lint`),
# then runs every jest test against a real Temporal dev server that the tests start from the CLI binary
# temporal-dev.sh installs, then the cluster suites on a loopback cluster (scripts/cluster-test.sh).
# Given jest arguments, it runs only jest with them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
source scripts/engines.sh
npx tsc --noEmit -p tsconfig.json
npm run --silent build:cli
npm run --silent lint
if [ $# -gt 0 ]; then
  exec npx jest "$@"
fi
# Both parts run even when the first fails, so one red run reports every failure.
status=0
npx jest || status=$?
bash scripts/cluster-test.sh || status=$?
exit "$status"
