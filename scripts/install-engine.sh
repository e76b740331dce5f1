#!/usr/bin/env bash
# install-engine.sh <venv> <spec>...: one engine version in its own venv (docs/design.md, "Engine
# versions"), for scripts/engines.sh and for the worker on a version's first use. Under an exclusive
# lock beside the venv, so that any number of workers and commands asking at once install it once;
# a venv whose .installed marker does not name exactly these specs (a half-done install, other
# pins), or whose python no longer runs, is made again. The marker is written last. Specs starting
# with ./ are folders of this repository (a package of ours), resolved from its root. <venv>.log
# keeps a line per install begun and ended, with its duration. The tests' and the bench's Python
# tools are installed by it too (test/support/python-peer.ts): VENV_WHAT names what is installed in
# its lines (engines by default), VENV_PYTHON the interpreter the venv is made with (python3).
set -euo pipefail
what=${VENV_WHAT:-engines}
python=${VENV_PYTHON:-python3}
venv=$1
shift
cd "$(dirname "$0")/.."
mkdir -p "$(dirname "${venv}")"
# The venv's scripts name its python by the path it was made at: make it at the real path, so that a
# cache reached through a symlink (a second checkout sharing it) keeps working when the link goes.
venv="$(cd "$(dirname "${venv}")" && pwd -P)/$(basename "${venv}")"
exec 9>"${venv}.lock"
flock 9
wanted=$(printf '%s\n' "$@")
if [ -f "${venv}/.installed" ] && [ "$(cat "${venv}/.installed")" = "${wanted}" ] && "${venv}/bin/python" -c '' 2>/dev/null; then
  exit 0
fi
SECONDS=0
echo "$(date -u +%FT%TZ) ${what}: installing $* into ${venv}" | tee -a "${venv}.log" >&2
rm -rf "${venv}"
"${python}" -m venv "${venv}"
"${venv}/bin/pip" install --quiet --disable-pip-version-check "$@"
printf '%s\n' "$@" >"${venv}/.installed"
echo "$(date -u +%FT%TZ) ${what}: installed $* in ${SECONDS} s" >>"${venv}.log"
