#!/usr/bin/env bash
# The test command (`npm test [-- jest args]`): type-checks, lints (ESLint and Prettier, `npm run lint`),
# then runs every jest test against a real Temporal dev server that the tests start from the CLI binary
# temporal-dev.sh installs (and Debian's Chromium for the test that loads the Temporal Web UI), then the
# cluster suites on a loopback cluster (scripts/cluster-test.sh).
# Given jest arguments, it runs only jest with them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
# Debian's Chromium for test/temporal-ui.test.ts, which loads the Temporal Web UI in it (playwright-core downloads no browser).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
source scripts/engines.sh
if [ $# -eq 0 ]; then
  # On a cold machine the cluster's Temporal is built from source (minutes of Go): built beside the
  # jest suites, at low priority, so the cluster suites find it ready.
  mkdir -p .cache
  nice -n 10 bash scripts/cluster.sh temporal build >.cache/cluster-build.log 2>&1 &
  cluster_build=$!
  trap 'kill "$cluster_build" 2>/dev/null || true' EXIT
fi
npx tsc --noEmit -p tsconfig.json
npm run --silent build:cli
npm run --silent lint
if [ $# -gt 0 ]; then
  exec npx jest "$@"
fi
# Both parts run even when the first fails, so one red run reports every failure.
status=0
npx jest || status=$?
if wait "$cluster_build"; then
  bash scripts/cluster-test.sh || status=$?
else
  echo "npm test: building the cluster's Temporal failed (.cache/cluster-build.log):" >&2
  tail -n 20 .cache/cluster-build.log >&2
  status=1
fi
exit "$status"
