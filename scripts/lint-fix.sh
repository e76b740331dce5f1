#!/usr/bin/env bash
# `npm run lint:fix`: applies what ESLint can fix by itself, then Prettier's layout (last, since a
# fix may leave a line Prettier would lay out otherwise), then lists what is left for a hand: ESLint's
# remaining errors, and tsc's, since a fixer that drops a type assertion can leave code that no
# longer compiles (no-unnecessary-type-assertion, non-nullable-type-assertion-style).
# Paths narrow it (scripts/lint-fix.sh src/cli bench); none: the whole tree.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
paths=("${@:-.}")
npx eslint --fix "${paths[@]}" >/dev/null
npx prettier --write --log-level warn "${paths[@]}"
status=0
npx eslint "${paths[@]}" || status=1
npx tsc --noEmit -p tsconfig.json || status=1
exit $status
