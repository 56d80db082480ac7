#!/usr/bin/env bash
# Regenerates threat-models/advisories/pypi-ml.jsonl, the advisory data mlaudit embeds,
# from a checkout of the PyPA advisory database (https://github.com/pypa/advisory-database,
# CC-BY-4.0), keeping the packages listed in threat-models/advisories/packages.txt.
#   scripts/update-advisories.sh [DATABASE_DIR] [COMMIT] [DATE]
# Defaults: ../shared/advisories/pypa-advisory-database, the snapshot documented in its
# README (commit 3ccb612573e2511ab5cad7dafecd838605c80cda of 2024-10-10). Rebuild afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
database=${1:-$root/../shared/advisories/pypa-advisory-database}
commit=${2:-3ccb612573e2511ab5cad7dafecd838605c80cda}
date=${3:-2024-10-10}
build=${BUILD_DIR:-$root/build}
[[ -x "$build/mlaudit" ]] || { echo "update-advisories: $build/mlaudit is missing (build first)" >&2; exit 2; }
[[ -d "$database/vulns" ]] || { echo "update-advisories: $database/vulns not found" >&2; exit 2; }
"$build/mlaudit" advisories import "$database/vulns" \
  --output "$root/threat-models/advisories/pypi-ml.jsonl" \
  --packages-file "$root/threat-models/advisories/packages.txt" \
  --source-name pypa/advisory-database --commit "$commit" --date "$date" --license CC-BY-4.0 \
  --attribution "Python Packaging Authority advisory database (https://github.com/pypa/advisory-database), CC-BY-4.0; records converted to mlaudit's compact form"
