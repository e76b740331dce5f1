#!/usr/bin/env bash
# The test command (`npm test [-- jest args]`): every jest test against a real Temporal dev server that
# the tests start from the CLI binary temporal-dev.sh installs (and Debian's Chromium for the test that
# loads the Temporal Web UI), and beside them the cluster suites on a loopback cluster
# (scripts/cluster-test.sh), then the type check and lint (ESLint and Prettier, `npm run lint`).
# Given jest arguments, it type-checks and lints first, then runs only jest with them.
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
npm run --silent build:cli
if [ $# -gt 0 ]; then
  npx tsc --noEmit -p tsconfig.json
  npm run --silent lint
  exec npx jest "$@"
fi
# Beside the jest suites, in the background: the cluster suites, then the static checks (tsc, ESLint
# and Prettier). The cluster suites share no port with the jest suites (the cluster's are fixed,
# 17xxx-19xxx; the suites' are the kernel's ephemeral ones, the docs' 8080 and 9464) and no
# directory; on two cores the three end minutes sooner side by side than one after the other, and
# the checks, which ended before the suites began, come once the cluster's load test is over. On a
# cold machine the cluster's Temporal is built from source first (minutes of Go), at low priority.
# Their output goes to files, printed once the jest suites are done, so that no log is interleaved;
# their own process group (setsid), so that an early exit of this script ends all of it.
mkdir -p .cache
setsid bash -c '
  status=0
  if nice -n 10 bash scripts/cluster.sh temporal build >.cache/cluster-build.log 2>&1; then
    bash scripts/cluster-test.sh >.cache/cluster-suites.log 2>&1 || status=$?
  else
    { echo "npm test: building the cluster'"'"'s Temporal failed (.cache/cluster-build.log):"; tail -n 20 .cache/cluster-build.log; } >.cache/cluster-suites.log
    status=1
  fi
  { npx tsc --noEmit -p tsconfig.json && npm run --silent lint; } >.cache/static-checks.log 2>&1 || status=$?
  exit "$status"' &
background=$!
trap 'kill -- -"$background" 2>/dev/null || true' EXIT
# Every part runs to its end even when one fails, so one red run reports every failure.
status=0
npx jest || status=$?
wait "$background" || status=$?
echo "npm test: the cluster suites (.cache/cluster-suites.log):"
cat .cache/cluster-suites.log
echo "npm test: type check, lint and format (.cache/static-checks.log):"
cat .cache/static-checks.log
exit "$status"
