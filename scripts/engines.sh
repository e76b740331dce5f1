#!/usr/bin/env bash
# Sourced by the two commands (scripts/start.sh, scripts/test.sh): the local provider's engines.
# When cwltool or snakemake is not on PATH, both are installed once, at pinned versions, from PyPI
# into the project's cache (.cache/engines-venv), whose bin/ then goes first on PATH for everything
# the command starts. A venv without its .installed marker is a half-done install: made again.
ENGINES_VENV="${PWD}/.cache/engines-venv"
# cwltool as Debian 12 ships it; the last Snakemake 7 (its --log-handler-script is what the local
# provider reads jobs from), with the PuLP its scheduler was written against.
ENGINES_SPEC=(cwltool==3.1.20230209161050 snakemake==7.32.4 'pulp<2.8')

if [ -f "${ENGINES_VENV}/.installed" ] || ! command -v cwltool >/dev/null || ! command -v snakemake >/dev/null; then
  if [ ! -f "${ENGINES_VENV}/.installed" ]; then
    echo "engines: installing ${ENGINES_SPEC[*]} into .cache/engines-venv (once)" >&2
    rm -rf "${ENGINES_VENV}"
    python3 -m venv "${ENGINES_VENV}"
    "${ENGINES_VENV}/bin/pip" install --quiet --disable-pip-version-check "${ENGINES_SPEC[@]}"
    printf '%s\n' "${ENGINES_SPEC[@]}" > "${ENGINES_VENV}/.installed"
  fi
  export PATH="${ENGINES_VENV}/bin:${PATH}"
fi

# miniwdl for WDL (activities/providers/local/engines/miniwdl.ts: the pins are its `releases`), with the
# plugin that runs its tasks without a container runtime, in a venv of its own under .cache/engines.
MINIWDL_VENV="${PWD}/.cache/engines/miniwdl-1.16.0"
MINIWDL_SPEC=(miniwdl==1.16.0 miniwdl-backend-bare==0.0.1)
if [ ! -f "${MINIWDL_VENV}/.installed" ]; then
  echo "engines: installing ${MINIWDL_SPEC[*]} into .cache/engines/miniwdl-1.16.0 (once)" >&2
  rm -rf "${MINIWDL_VENV}"
  python3 -m venv "${MINIWDL_VENV}"
  "${MINIWDL_VENV}/bin/pip" install --quiet --disable-pip-version-check "${MINIWDL_SPEC[@]}"
  printf '%s\n' "${MINIWDL_SPEC[@]}" > "${MINIWDL_VENV}/.installed"
fi

# The sandbox of every local run (docs/deployment.md, "The sandbox of local runs"): bubblewrap, and,
# when we are root, the unprivileged user runs are run as. Installed where we can (root on Debian);
# elsewhere the worker says what is missing when it starts.
if ! command -v bwrap >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "engines: installing bubblewrap, the sandbox of local runs (once)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
fi
if [ "$(id -u)" = 0 ] && ! getent passwd durable-wes-run >/dev/null; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin durable-wes-run
fi
