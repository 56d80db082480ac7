#!/usr/bin/env bash
# Real-world bench: scans each repository of ../shared/realworld/ (or --repos DIR) with an
# mlaudit binary and prints findings per repository, per rule and the median per repository;
# joined with the hand triage it prints precision per rule and overall, and with the list of
# known misses a recall estimate. Reports go to a temporary folder (or --out DIR), never
# into the scanned trees.
#   bench/realworld.sh [MLAUDIT] [--repos DIR] [--triage CSV] [--missed MD] [--out DIR] [--template]
#                      [--alias OLD_RULE=NEW_RULE]...
#   MLAUDIT defaults to $MLAUDIT, then build/mlaudit; DIR defaults to $REALWORLD_DIR, then
#   ../shared/realworld. --triage '' or --missed '' leaves out precision or recall.
#   Held-out split (bench/realworld-heldout.md): --repos /work/heldout
#     --triage bench/realworld-heldout-triage.csv --missed bench/realworld-heldout-missed.md
#   Exits 1 when a scan fails (its repository is named and left out of the figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mlaudit=${MLAUDIT:-$root/build/mlaudit}
repos=${REALWORLD_DIR:-$root/../shared/realworld}
triage=$root/bench/realworld-triage.csv
missed=$root/bench/realworld-missed.md
out=
template=
aliases=()
while (($#)); do
  case "$1" in
    --repos) repos=$2; shift 2 ;;
    --triage) triage=$2; shift 2 ;;
    --missed) missed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --template) template=--template; shift ;;
    --alias) aliases+=(--alias "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "usage: bench/realworld.sh [MLAUDIT] [--repos DIR] [--triage CSV] [--missed MD] [--out DIR] [--template] [--alias OLD=NEW]..." >&2; exit 2 ;;
    *) mlaudit=$1; shift ;;
  esac
done

if [[ ! -d "$repos" ]]; then
  echo "realworld: skipped: no repositories at $repos (pass --repos DIR or set REALWORLD_DIR)"
  exit 0
fi
[[ -x "$mlaudit" ]] || { echo "realworld: $mlaudit is not an executable mlaudit (pass it as the first argument or set MLAUDIT)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "realworld: python3 is needed for the report" >&2; exit 2; }
repos=$(realpath "$repos")

if [[ -z "$out" ]]; then
  out=$(mktemp -d /tmp/mlaudit-realworld.XXXXXX)
  trap 'rm -rf "$out"' EXIT
fi
out=$(realpath -m "$out")
case "$out/" in "$repos"/*) echo "realworld: the output folder $out is inside the scanned tree $repos" >&2; exit 2 ;; esac
mkdir -p "$out"

count=0
failed=()
for tree in "$repos"/*/; do
  name=$(basename "$tree")
  mkdir -p "$out/$name"
  rm -f "$out/$name/mlaudit.json"
  # A scan that fails leaves no report: the repository is named, left out of the figures,
  # and the bench exits 1 so that a partial figure is never mistaken for a whole one.
  if ! "$mlaudit" scan "$tree" --quiet --no-probes --format json --output "$out/$name" 2>"$out/$name/stderr" ||
     [[ ! -s "$out/$name/mlaudit.json" ]]; then
    echo "realworld: $name: mlaudit failed: $(head -c 400 "$out/$name/stderr")" >&2
    rm -f "$out/$name/mlaudit.json"
    failed+=("$name")
  fi
  count=$((count + 1))
done
if ((count == 0)); then
  echo "realworld: skipped: $repos holds no repository folders"
  exit 0
fi

args=("$out")
[[ -n "$triage" ]] && args+=(--triage "$triage")
[[ -n "$missed" ]] && args+=(--missed "$missed")
[[ -n "$template" ]] && args+=("$template")
args+=("${aliases[@]}")
[[ -z "$template" ]] && echo "mlaudit: $mlaudit ($("$mlaudit" --version 2>/dev/null | head -1)); repositories: $repos ($count)" && echo
python3 "$root/bench/realworld_report.py" "${args[@]}"
if ((${#failed[@]})); then
  echo "realworld: ${#failed[@]} of $count scans failed (${failed[*]}): the figures above leave them out" >&2
  exit 1
fi
