#!/usr/bin/env bash
# Starts a real Temporal dev server for durable-wes: persistent SQLite file under .data/,
# the Web UI on, and the search attributes the run workflow upserts registered.
#
#   ./temporal-dev.sh          start (or find running) and wait until healthy; prints addresses
#   ./temporal-dev.sh run [flag…]  run it in the foreground, as this process, for a supervisor to
#                              own; flags are added to `temporal server start-dev`'s
#   ./temporal-dev.sh stop     stop the server this script started
#   ./temporal-dev.sh install  only make sure the CLI is there
#   ./temporal-dev.sh path     print the path of the CLI binary (installing it if needed)
#
# Environment: TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233), WES_DATA_DIR (./.data).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The pinned Node.js, for the search attribute flags below.
source "$here/scripts/node-runtime.sh"
# Later tags of the CLI carry a `replace` directive and cannot be go-installed.
cli_version="v1.5.1"
cache_dir="${DURABLE_WES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/durable-wes}/temporal-cli-$cli_version"
data_dir="${WES_DATA_DIR:-$here/.data}/temporal"
port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
pid_file="$data_dir/server.pid"
log_file="$data_dir/server.log"

temporal_bin() {
  if command -v temporal >/dev/null 2>&1; then
    command -v temporal
  else
    echo "$cache_dir/temporal"
  fi
}

install_cli() {
  local bin
  bin="$(temporal_bin)"
  [ -x "$bin" ] && return 0
  command -v go >/dev/null 2>&1 || { echo "temporal-dev.sh: neither 'temporal' nor 'go' is on PATH" >&2; exit 1; }
  echo "temporal-dev.sh: building the Temporal CLI $cli_version from source into $cache_dir (once)" >&2
  mkdir -p "$cache_dir"
  GOBIN="$cache_dir" go install "github.com/temporalio/cli/cmd/temporal@$cli_version" >&2
}

# The server's command line, into the array `server`. SQLite in WAL mode with synchronous=normal:
# a commit is not flushed to disk by itself (SQLite's default mode takes several fsyncs for each), so
# a cancel or a workflow task waits for no disk; it is still durable when the process dies (even
# with SIGKILL), not when the machine loses power.
server_command() {
  server=("$(temporal_bin)" server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui_port"
    --db-filename "$data_dir/temporal.db" --log-level warn --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)
  local flags
  flags="$(search_attribute_flags)"
  mapfile -t -O "${#server[@]}" server <<<"$flags"
}

# The search attributes the run workflow upserts, from their one declaration (domain/search-attributes.ts,
# printed by src/temporal/search-attribute-flags.ts): from the sources with ts-node, else from the build.
search_attribute_flags() {
  if [ -d "$here/node_modules/ts-node" ]; then
    (cd "$here" && node -r ts-node/register/transpile-only src/temporal/search-attribute-flags.ts)
  else
    node "$here/dist/src/temporal/search-attribute-flags.js"
  fi
}

healthy() {
  "$(temporal_bin)" operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  install_cli
  mkdir -p "$data_dir"
  if ! running_pid >/dev/null; then
    if healthy; then
      echo "temporal-dev.sh: a Temporal server not started by this script already answers on port $port" >&2
    else
      local server
      server_command
      # setsid: the server outlives this script and is stopped only by `stop`.
      setsid "${server[@]}" >>"$log_file" 2>&1 < /dev/null &
      echo $! > "$pid_file"
    fi
  fi
  for _ in $(seq 1 120); do
    if healthy; then
      echo "Temporal server: 127.0.0.1:$port"
      echo "Temporal Web UI: http://127.0.0.1:$ui_port"
      return 0
    fi
    running_pid >/dev/null || { echo "temporal-dev.sh: the server exited; see $log_file" >&2; tail -20 "$log_file" >&2; exit 1; }
    sleep 0.5
  done
  echo "temporal-dev.sh: the server did not become healthy within 60 s; see $log_file" >&2
  exit 1
}

run() {
  install_cli
  mkdir -p "$data_dir"
  local server
  server_command
  server+=("$@")
  # exec keeps this pid: the server's own, for `stop` and for whoever started this script.
  echo $$ > "$pid_file"
  exec "${server[@]}" >>"$log_file" 2>&1 < /dev/null
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    echo "temporal-dev.sh: stopped"
  else
    echo "temporal-dev.sh: not running"
  fi
  rm -f "$pid_file"
}

case "${1:-start}" in
  start) start ;;
  run) shift; run "$@" ;;
  stop) stop ;;
  install) install_cli ;;
  path) install_cli; temporal_bin ;;
  *) echo "usage: $0 [start|run|stop|install|path]" >&2; exit 2 ;;
esac
