#!/usr/bin/env bash
# The test command (`npm test`): type-checks, lints (ESLint and Prettier, `npm run lint`), then runs
# every jest test against a real Temporal dev server that the tests start from the CLI binary
# temporal-dev.sh installs, and Debian's Chromium for the test that loads the Temporal Web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
./temporal-dev.sh install
# Debian's Chromium for test/temporal-ui.test.ts, which loads the Temporal Web UI in it (playwright-core downloads no browser).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
source scripts/engines.sh
npx tsc --noEmit -p tsconfig.json
npm run --silent build:cli
npm run --silent lint
npx jest "$@"
