#!/usr/bin/env bash
# The full fuzz run (`npm run fuzz`): test/api/schemathesis.test.ts with FUZZ_PROFILE=full, i.e.
# 100 examples per operation against the served document (auth off and on) and the official WES
# 1.1 document, every phase, on a real Temporal and PostgreSQL as `npm test` starts them. Reports
# (JUnit, JSON) and a summary go to .cache/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_PROFILE=full exec bash scripts/test.sh test/api/schemathesis.test.ts "$@"
