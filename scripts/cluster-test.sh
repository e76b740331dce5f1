#!/usr/bin/env bash
# The cluster suites (`npm run cluster:test [-- jest args]`): a fresh cluster in .cache/cluster-test
# (scripts/cluster.sh), the suites of test/cluster on it, then the cluster taken down.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
export DURABLE_WES_CLUSTER_DIR="${DURABLE_WES_CLUSTER_DIR:-$PWD/.cache/cluster-test}"
bash scripts/cluster.sh down --purge >/dev/null 2>&1 || true
trap 'bash scripts/cluster.sh down' EXIT
bash scripts/cluster.sh up
source scripts/engines.sh
npx jest -c test/cluster/jest.config.js "$@"
