#!/usr/bin/env bash
# `npm run lint:fix`: applies what ESLint can fix by itself, then Prettier's layout (last, since a
# fix may leave a line Prettier would lay out otherwise), then lists what is left for a hand.
# Paths narrow it (scripts/lint-fix.sh src/cli bench); none: the whole tree.
set -uo pipefail
cd "$(dirname "$0")/.."
paths=("${@:-.}")
npx eslint --fix "${paths[@]}" >/dev/null
npx prettier --write --log-level warn "${paths[@]}"
npx eslint "${paths[@]}"
