# Sourced by the cluster scripts: processes that outlive the command that started them, each known
# by a name, with a pid file and a log under $DAEMON_DIR.
#   launch_daemon NAME CMD...   start it detached (setsid), unless it is alive already
#   daemon_pid NAME             its pid, when alive (fails otherwise)
#   stop_daemon NAME [SECONDS]  SIGTERM, then SIGKILL after SECONDS (10)
#   kill_daemon NAME            SIGKILL now: the chaos scenarios' fault
#   wait_until WHAT SECONDS LOG CMD...  retry CMD every 0.5 s; fail naming LOG after SECONDS

daemon_pid() {
  local file="$DAEMON_DIR/$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

launch_daemon() {
  local name="$1"; shift
  daemon_pid "$name" >/dev/null && return 0
  mkdir -p "$DAEMON_DIR"
  setsid "$@" >>"$DAEMON_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$DAEMON_DIR/$name.pid"
}

stop_daemon() {
  local name="$1" grace="${2:-10}" pid
  pid="$(daemon_pid "$name")" || { rm -f "$DAEMON_DIR/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$DAEMON_DIR/$name.pid"
}

kill_daemon() {
  local pid
  pid="$(daemon_pid "$1")" || { echo "$1 is not running" >&2; return 1; }
  kill -KILL "$pid"
}

wait_until() {
  local what="$1" seconds="$2" log="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: $what did not happen within ${seconds} s; read $log" >&2
      return 1
    fi
    sleep 0.5
  done
}
