#!/usr/bin/env bash
# The start command (`npm start`): everything on embedded defaults on this machine.
# Starts the Temporal dev server (temporal-dev.sh), builds, starts the worker, and submits a
# hello-world CWL run to show in the Temporal UI. Ctrl-C stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
command -v cwltool >/dev/null || echo "start: cwltool is not installed (apt-get install cwltool): local CWL runs will fail" >&2
./temporal-dev.sh start
npm run --silent build

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  ./temporal-dev.sh stop
}
trap stop INT TERM EXIT

node dist/src/worker.js &
pids+=($!)
if [ "${WES_DEMO_RUN:-1}" != 0 ]; then
  node dist/src/demo-run.js &
  pids+=($!)
fi
echo "durable-wes is up. Ctrl-C stops it."
wait "${pids[0]}"
