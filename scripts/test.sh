#!/usr/bin/env bash
# Builds (if needed) and runs every test: unit tests per stage, one fixture test per rule,
# golden reports, CLI tests, SARIF validation (when ../shared/tools is present).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x "$root/build/mlaudit" ]]; then
  "$root/scripts/bootstrap.sh" --no-scan
fi
cmake --build "$root/build" --parallel
ctest --test-dir "$root/build" --output-on-failure --parallel 2 "$@"
