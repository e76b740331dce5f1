#!/usr/bin/env bash
# durable-wes on a Temporal cluster, all on loopback (docs/deployment.md, "A cluster on one machine"):
# Temporal's services as separate processes on PostgreSQL (scripts/cluster/temporal.sh), two API
# replicas behind one balancer address, and three workers playing two hosts (worker-1 on host
# cluster-a; worker-2 and worker-3 on host cluster-b).
#
#   scripts/cluster.sh up              build what is missing, start everything, print the addresses
#   scripts/cluster.sh down [--purge]  stop everything (--purge: and delete its data)
#   scripts/cluster.sh status          one line per process: name, pid, alive or dead (and a worker's host)
#   scripts/cluster.sh kill NAME       SIGKILL one process (api-1, worker-3, history-1, ...)
#   scripts/cluster.sh start NAME      start that process again (or one more worker: worker-4, …)
#   scripts/cluster.sh stop NAME       stop one process gracefully (SIGTERM)
#
# The workers are versioned (docs/deployment.md, "Deploying changes to the run workflow"): deployment
# durable-wes, build id CLUSTER_BUILD_ID (1) as the first `up` recorded it in $cluster_dir/build-id,
# made current by `up`. A worker starts with the build id that file holds when it starts.
# $cluster_dir/product.env holds what one more API of the cluster needs, to source; a worker also
# needs WES_DEPLOYMENT_NAME=durable-wes and WES_BUILD_ID.
#
# Environment: DURABLE_WES_CLUSTER_DIR (./.data/cluster), CLUSTER_API_PORT (18080; replicas on the
# next two), and those of scripts/cluster/temporal.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
# Not a WES_ variable: the product's processes refuse names of theirs they do not know.
cluster_dir="${DURABLE_WES_CLUSTER_DIR:-$repo/.data/cluster}"
wait_seconds=120
die() { echo "cluster: $*" >&2; exit 1; }
source scripts/cluster/daemons.sh

api_port="${CLUSTER_API_PORT:-18080}"
api_replicas=(api-1 api-2)
workers=(worker-1 worker-2 worker-3)
bundle="$cluster_dir/workflow-bundle.js"
deployment=durable-wes
build_id_file="$cluster_dir/build-id"
temporal() { DURABLE_WES_CLUSTER_DIR="$cluster_dir" bash scripts/cluster/temporal.sh "$@"; }

replica_port() { echo $((api_port + ${1#api-})); }
# worker-1, -4, -7…: host cluster-a; the others cluster-b (more workers join as worker-4, -5, …).
worker_host() { [ $(( ${1#worker-} % 3 )) = 1 ] && echo cluster-a || echo cluster-b; }
# Every worker that has a pid file, and the first three.
all_workers() { { printf '%s\n' "${workers[@]}"; ls "$run_dir" 2>/dev/null | sed -n 's/^\(worker-[0-9]*\)\.pid$/\1/p'; } | sort -u -t- -k2n; }
worker_metrics_port() { echo $((19463 + ${1#worker-})); }
# Where this start's lines begin in the log, for ready().
log_mark() { stat -c %s "$(log_file "$1")" 2>/dev/null >"$run_dir/$1.mark" || echo 0 >"$run_dir/$1.mark"; }

# What every durable-wes process of the cluster shares: Temporal, the read model, the data dir.
shared_env() {
  # shellcheck disable=SC1091
  source "$cluster_dir/temporal.env"
  export TEMPORAL_ADDRESS TEMPORAL_NAMESPACE DATABASE_URL TEMPORAL_UI_URL
  export WES_DATA_DIR="$cluster_dir/wes-data" WORKFLOW_BUNDLE_PATH="$bundle"
  # Loopback only: no credentials, no rate limit (one balancer address is every client's).
  export WES_AUTH=off WES_RATE_LIMIT=off
  # Enough simulated runs at once for the load scenarios (the default is 50 per worker).
  WES_PROVIDERS="$(printf '{"default":"local","providers":{"local":{"kind":"local","workflowRoots":["%s/examples"]},"simulated":{"kind":"simulated","maxConcurrent":500}}}' "$repo")"
  export WES_PROVIDERS
}

launch_one() {
  local name="$1"
  mkdir -p "$run_dir" "$log_dir"
  case "$name" in
    api-*)
      WES_LOG_LEVEL="${WES_LOG_LEVEL:-warn}" WES_API_HOST=127.0.0.1 WES_API_PORT="$(replica_port "$name")" WES_URL="http://127.0.0.1:$api_port/ga4gh/wes/v1" \
        launch "$name" node dist/src/api.js ;;
    worker-*)
      log_mark "$name"
      MALLOC_ARENA_MAX=2 WES_DEPLOYMENT_NAME="$deployment" WES_BUILD_ID="$(cat "$build_id_file")" WES_LOG_LEVEL="${WES_LOG_LEVEL:-info}" WES_HOST_ID="$(worker_host "$name")" WES_WORKER_METRICS_PORT="$(worker_metrics_port "$name")" \
        launch "$name" node dist/src/worker.js ;;
    balancer)
      launch balancer node scripts/cluster/balancer.js "$api_port" $(for r in "${api_replicas[@]}"; do replica_port "$r"; done) ;;
  esac
}

ready() {
  case "$1" in
    api-*) curl -fs -o /dev/null "http://127.0.0.1:$(replica_port "$1")/readyz" ;;
    balancer) curl -fs -o /dev/null "http://127.0.0.1:$api_port/readyz" ;;
    # A worker serves nothing to ask; it says when it polls, in its log since this start.
    worker-*) tail -c "+$(($(cat "$run_dir/$1.mark") + 1))" "$(log_file "$1")" | grep -q 'polling task queue' ;;
  esac
}

build_current() {
  "$(./temporal-dev.sh path)" worker deployment set-current-version --deployment-name "$deployment" --build-id "$(cat "$build_id_file")" \
    --address "$TEMPORAL_ADDRESS" --yes >/dev/null 2>&1
}

start_one() {
  running_pid "$1" >/dev/null || launch_one "$1"
  wait_for "becoming ready" "$1" ready
}

up() {
  [ -d node_modules ] || npm ci --no-audit --no-fund
  source scripts/engines.sh
  ./temporal-dev.sh install
  npm run --silent build
  temporal up
  shared_env
  # Of the code as it is now: workers already running keep the code they loaded.
  node dist/src/write-workflow-bundle.js "$bundle"
  node dist/src/database/migrate.js >/dev/null
  [ -f "$build_id_file" ] || echo "${CLUSTER_BUILD_ID:-1}" >"$build_id_file"
  local name
  for name in "${workers[@]}" "${api_replicas[@]}"; do running_pid "$name" >/dev/null || launch_one "$name"; done
  for name in "${workers[@]}" "${api_replicas[@]}" balancer; do start_one "$name"; done
  # Refused until the server has seen the version's workers poll every queue: asked until it takes.
  wait_for "making build $(cat "$build_id_file") current" worker-1 build_current
  env | grep -E '^(TEMPORAL_ADDRESS|TEMPORAL_NAMESPACE|DATABASE_URL|WES_DATA_DIR|WORKFLOW_BUNDLE_PATH|WES_AUTH|WES_RATE_LIMIT|WES_PROVIDERS)=' \
    | sed "s/'/'\\\\''/g; s/=\(.*\)/='\1'/" >"$cluster_dir/product.env"
  {
    echo "WES_URL=http://127.0.0.1:$api_port/ga4gh/wes/v1"
    echo "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS"
    echo "DATABASE_URL=$DATABASE_URL"
    echo "WES_DATA_DIR=$WES_DATA_DIR"
    echo "CLUSTER_BUILD_ID=$(cat "$build_id_file")"
    echo "CLUSTER_API_REPLICAS=$(for r in "${api_replicas[@]}"; do printf 'http://127.0.0.1:%s ' "$(replica_port "$r")"; done | sed 's/ $//')"
  } >"$cluster_dir/cluster.env"
  echo "WES API:           http://127.0.0.1:$api_port/ga4gh/wes/v1 (replicas on $(replica_port api-1), $(replica_port api-2); workers ${workers[*]})"
  echo "Addresses:         $cluster_dir/cluster.env"
}

down() {
  stop_daemons balancer "${api_replicas[@]}" $(all_workers)
  temporal down "$@"
}

status() {
  local name pid
  # A worker's line ends with the host it plays, as its runs' histories name it (<pid>@<host>).
  for name in balancer "${api_replicas[@]}" $(all_workers); do
    if ! pid="$(running_pid "$name")"; then echo "$name - dead"
    elif [[ "$name" == worker-* ]]; then echo "$name $pid alive $(worker_host "$name")"
    else echo "$name $pid alive"; fi
  done
  temporal status
}

ours() { [[ " balancer ${api_replicas[*]} " == *" $1 "* || "$1" =~ ^worker-[0-9]+$ ]]; }

case "${1:-}" in
  up) up ;;
  down) shift; down "$@" ;;
  status) status ;;
  kill) if ours "${2:?name}"; then kill_daemon "$2"; else temporal kill "$2"; fi ;;
  stop) if ours "${2:?name}"; then stop_daemons "$2"; else die "stop: only the cluster's own processes (balancer, api-N, worker-N); kill stops Temporal's"; fi ;;
  start) if ours "${2:?name}"; then shared_env; source scripts/engines.sh; start_one "$2"; else temporal start "$2"; fi ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
