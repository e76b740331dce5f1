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
