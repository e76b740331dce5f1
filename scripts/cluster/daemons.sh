# Sourced by the cluster scripts: processes that outlive the command that started them, each known
# by a name, with a pid file in $cluster_dir/run and a log in $cluster_dir/logs. The sourcing
# script sets `cluster_dir`, `wait_seconds` and a `die` function; it may define `stop_signal NAME`.

run_dir="$cluster_dir/run"
log_dir="$cluster_dir/logs"

pid_file() { echo "$run_dir/$1.pid"; }
log_file() { echo "$log_dir/$1.log"; }

# Alive, and still ours: a recycled pid would not name this cluster's directory in its command
# line or its environment.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null || return 1
  cat "/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null | tr '\0' '\n' | grep -qF "$cluster_dir" || return 1
  echo "$pid"
}

# setsid: the process outlives this script and is stopped only by `down` or `kill`.
launch() {
  local name="$1"
  shift
  mkdir -p "$run_dir" "$log_dir"
  setsid "$@" >>"$(log_file "$name")" 2>&1 </dev/null &
  echo $! > "$(pid_file "$name")"
}

# Until CHECK passes; dies when NAME exits first or after wait_seconds, naming its log.
wait_for() {
  local what="$1" name="$2" check="$3"
  for _ in $(seq 1 $((wait_seconds * 2))); do
    "$check" "$name" && return 0
    running_pid "$name" >/dev/null || die "$name exited while $what; see $(log_file "$name")"
    sleep 0.5
  done
  die "$name: $what did not happen within $wait_seconds s; see $(log_file "$name")"
}

# The named processes together: each its stop signal (TERM unless stop_signal says otherwise),
# then SIGKILL for any still alive after 30 s.
stop_daemons() {
  local name pid pids=() alive
  for name in "$@"; do
    if pid="$(running_pid "$name")"; then
      kill -"$( (declare -F stop_signal >/dev/null && stop_signal "$name") || echo TERM)" "$pid"
      pids+=("$pid")
    fi
    rm -f "$(pid_file "$name")"
  done
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null && echo "pid $pid did not stop within 30 s: killed" >&2; done
  return 0
}

# SIGKILL: the chaos scenarios' fault.
kill_daemon() {
  local pid
  pid="$(running_pid "$1")" || die "$1 is not running"
  kill -9 "$pid"
  echo "killed $1 (pid $pid)" >&2
}
