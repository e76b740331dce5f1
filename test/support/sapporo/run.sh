#!/usr/bin/env bash
# sapporo's run script (its --run-sh / SAPPORO_RUN_SH) for the tests: runs CWL with the cwltool
# on PATH (the one scripts/engines.sh set up) instead of cwltool in Docker; any other engine is an
# EXECUTOR_ERROR, as in sapporo's own run.sh. Otherwise it keeps that script's contract:
#
#   called  /bin/bash run.sh <run_dir>, cwd <run_dir>, stdout/stderr to <run_dir>/stdout.log and
#           stderr.log, state.txt already QUEUED, attachments already in <run_dir>/exe/;
#   reads   run_request.json (.workflow_engine, .workflow_url), exe/workflow_params.json,
#           workflow_engine_params.txt (first line, split on whitespace);
#   writes  run.pid (this shell, once its traps are set: sapporo signals it and checks that its
#           command line names the run dir), state.txt RUNNING then COMPLETE / EXECUTOR_ERROR /
#           SYSTEM_ERROR / CANCELED, cmd.txt, stdout.log and stderr.log (the engine's), outputs/,
#           outputs.json (by `sapporo-cli dump-outputs`, which must be on PATH), exit_code.txt,
#           end_time.txt; the RO-Crate is not made (sapporo's runs multiqc in Docker);
#   cancel  POST /runs/{id}/cancel writes CANCELING to state.txt and sends SIGUSR1: the engine's
#           process group gets SIGTERM, then SIGKILL after SAPPORO_CANCEL_GRACE_SECONDS, and the
#           run ends CANCELED with exit code 138. A cancel before this started (INITIALIZING) left
#           CANCELING in state.txt: the run ends CANCELED without starting the engine.
#   TERM/INT/HUP/QUIT to this shell stop the engine the same way and end the run SYSTEM_ERROR.
set -Eeuo pipefail
# Job control: run_wf gets a process group of its own, so that one signal stops all it started.
set -m

run_dir=$1
run_request="${run_dir}/run_request.json"
state="${run_dir}/state.txt"
exe_dir="${run_dir}/exe"
outputs_dir="${run_dir}/outputs"
wf_params="${run_dir}/exe/workflow_params.json"
end_time="${run_dir}/end_time.txt"
exit_code="${run_dir}/exit_code.txt"
stdout="${run_dir}/stdout.log"
stderr="${run_dir}/stderr.log"
wf_engine_params_file="${run_dir}/workflow_engine_params.txt"
cmd="${run_dir}/cmd.txt"
tmp_dir="${run_dir}/tmp"

# A field of a JSON file, as `jq -r` prints it ("null" when absent), with the Python every host has.
function json_field() {
    python3 -c 'import json, sys; value = json.load(open(sys.argv[1])).get(sys.argv[2]); print("null" if value is None else value)' "$1" "$2"
}

wf_engine=$(json_field "${run_request}" workflow_engine)
wf_url=$(json_field "${run_request}" workflow_url)
wf_engine_params=$(head -n 1 "${wf_engine_params_file}")
cancel_grace_seconds="${SAPPORO_CANCEL_GRACE_SECONDS:-30}"

function write_control_file() {
    # The run dir is writable by the workflow: a symlink there is replaced, never written through.
    if [[ -L "$1" ]]; then rm -f -- "$1"; fi
    printf '%s\n' "$2" >"$1"
}

function current_state() { cat "${state}" 2>/dev/null || true; }

# run_wf decides the outcome only while no signal handler has taken it over.
function owns_outcome() {
    local current
    current=$(current_state)
    [[ "${current}" == "QUEUED" || "${current}" == "RUNNING" ]]
}

function write_outcome() {
    write_control_file "${exit_code}" "$1"
    write_control_file "${end_time}" "$(date -u +"%Y-%m-%dT%H:%M:%S")"
    write_control_file "${state}" "$2"
}

function executor_error() {
    local code=${1:-1}
    owns_outcome || exit "${code}"
    write_outcome "${code}" "EXECUTOR_ERROR"
    exit "${code}"
}

function run_cwltool() {
    # What sapporo's run_cwltool runs inside its container, run here: in exe/, with TMPDIR in the run.
    local -a cmd_arr=(cwltool --outdir "${outputs_dir}")
    if [[ -n "${wf_engine_params}" ]]; then
        local -a extra
        read -ra extra <<<"${wf_engine_params}"
        cmd_arr+=("${extra[@]}")
    fi
    cmd_arr+=("${wf_url}" "${wf_params}")
    printf '%q ' "${cmd_arr[@]}" >"${cmd}"
    echo "" >>"${cmd}"
    (cd "${exe_dir}" && TMPDIR="${tmp_dir}" exec "${cmd_arr[@]}") 1>"${stdout}" 2>"${stderr}" || executor_error $?
}

function run_wf() {
    if [[ "$(current_state)" == "CANCELING" ]]; then
        write_outcome 138 "CANCELED"
        exit 138
    fi
    write_control_file "${state}" "RUNNING"
    mkdir -p "${tmp_dir}"
    if [[ "$(type -t "run_${wf_engine}")" != "function" ]]; then
        echo "this sapporo runs only cwltool, not ${wf_engine}" >>"${stderr}"
        executor_error 1
    fi
    "run_${wf_engine}"
    sapporo-cli dump-outputs "${run_dir}" || executor_error $?
    owns_outcome || exit 0
    write_outcome 0 "COMPLETE"
    exit 0
}

function stop_run_wf() {
    [[ -n "${bg_pid:-}" ]] || return 0
    kill -TERM -- "-${bg_pid}" 2>/dev/null || true
    wait "${bg_pid}" 2>/dev/null || true
    local ticks=$((cancel_grace_seconds * 5))
    while kill -0 -- "-${bg_pid}" 2>/dev/null && ((ticks > 0)); do
        sleep 0.2
        ticks=$((ticks - 1))
    done
    kill -KILL -- "-${bg_pid}" 2>/dev/null || true
}

function on_error() {
    owns_outcome || exit 1
    write_outcome 1 "SYSTEM_ERROR"
    exit 1
}

function kill_by_system() {
    local code=$1
    if owns_outcome; then
        write_control_file "${state}" "SYSTEM_ERROR"
        stop_run_wf
        write_outcome "${code}" "SYSTEM_ERROR"
    fi
    exit "${code}"
}

function cancel_by_request() {
    if ! owns_outcome && [[ "$(current_state)" != "CANCELING" ]]; then exit 138; fi
    write_control_file "${state}" "CANCELING"
    stop_run_wf
    write_outcome 138 "CANCELED"
    exit 138
}

trap 'on_error' ERR
trap 'kill_by_system 129' HUP
trap 'kill_by_system 130' INT
trap 'kill_by_system 131' QUIT
trap 'kill_by_system 143' TERM
trap 'cancel_by_request' USR1

# After the traps: a cancel that finds run.pid may signal this shell at once.
write_control_file "${run_dir}/run.pid" "$$"

run_wf </dev/null &
bg_pid=$!
wait "${bg_pid}" || true
