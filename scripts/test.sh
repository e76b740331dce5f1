#!/usr/bin/env bash
# The test command (`npm test [-- jest args]`): type-checks, lints (ESLint and Prettier, `npm run lint`),
# then runs every jest test against a real Temporal dev server that the tests start from the CLI binary
# temporal-dev.sh installs (and Debian's Chromium for the test that loads the Temporal Web UI), and beside
# them the cluster suites on a loopback cluster (scripts/cluster-test.sh).
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
  # The cluster suites run beside the jest suites: they share no port (the cluster's are fixed,
  # 17xxx-19xxx; the suites' are the kernel's ephemeral ones, the docs' 8080 and 9464) and no
  # directory, and on two cores the pair ends minutes sooner than one after the other. On a cold
  # machine the cluster's Temporal is built from source first (minutes of Go), at low priority.
  # Their output goes to a file, printed once the jest suites are done, so neither log is interleaved.
  # Its own process group (setsid), so that an early exit of this script ends all of it.
  mkdir -p .cache
  setsid bash -c '
    if ! nice -n 10 bash scripts/cluster.sh temporal build >.cache/cluster-build.log 2>&1; then
      echo "npm test: building the cluster'"'"'s Temporal failed (.cache/cluster-build.log):"
      tail -n 20 .cache/cluster-build.log
      exit 1
    fi
    exec bash scripts/cluster-test.sh' >.cache/cluster-suites.log 2>&1 &
  cluster_suites=$!
  trap 'kill -- -"$cluster_suites" 2>/dev/null || true' EXIT
fi
npx tsc --noEmit -p tsconfig.json
npm run --silent build:cli
npm run --silent lint
if [ $# -gt 0 ]; then
  exec npx jest "$@"
fi
# Both parts run to their end even when one fails, so one red run reports every failure.
status=0
npx jest || status=$?
wait "$cluster_suites" || status=$?
echo "npm test: the cluster suites (.cache/cluster-suites.log):"
cat .cache/cluster-suites.log
exit "$status"
