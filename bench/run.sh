#!/usr/bin/env bash
# Scan benchmark: generates a synthetic ML monorepo (2,100 Python files, ~304k lines, plus
# notebooks, manifests and Dockerfiles), times a full mlaudit scan (whole process, SARIF
# written) and, when Debian's bandit is installed, bandit on the same tree.
#   bench/run.sh [--files N] [--runs R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
files=2100
runs=3
while (($#)); do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--files N] [--runs R]" >&2; exit 2 ;;
  esac
done
for tool in "$build/mlaudit" "$build/mlaudit-bench-tree" /usr/bin/time; do
  [[ -x "$tool" ]] || { echo "bench: $tool is missing (run scripts/bootstrap.sh --no-scan)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/mlaudit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/mlaudit-bench-tree" "$work/tree" --files "$files"
py_files=$(find "$work/tree" -name '*.py' | wc -l)
py_lines=$(find "$work/tree" -name '*.py' -print0 | xargs -0 cat | wc -l)
all_files=$(find "$work/tree" -type f | wc -l)
all_lines=$(find "$work/tree" -type f -print0 | xargs -0 cat | wc -l)
echo "tree: $all_files files, $all_lines lines ($py_files Python files, $py_lines lines)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

times=()
rss_values=()
for ((run = 1; run <= runs; run++)); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$build/mlaudit" scan "$work/tree" --quiet --format sarif --output "$work/out"
  read -r seconds rss < "$work/time"
  echo "mlaudit run $run: ${seconds} s, peak RSS ${rss} KB"
  times+=("$seconds")
  rss_values+=("$rss")
done
# The median run is the figure; shared machines make single runs noisy.
median_time=$(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
peak_rss=$(printf '%s\n' "${rss_values[@]}" | sort -g | tail -n 1)
awk -v t="$median_time" -v f="$all_files" -v l="$all_lines" -v r="$peak_rss" -v n="$runs" 'BEGIN {
  printf "mlaudit (median of %d runs): %.2f s wall, %.0f files/s, %.0f lines/s, peak RSS %.1f MB\n", n, t, f / t, l / t, r / 1024 }'

if command -v bandit >/dev/null 2>&1; then
  # bandit exits 1 when it finds issues; time then prefixes a status line, so read the last line.
  /usr/bin/time -f "%e %M" -o "$work/bandit-time" bandit -r "$work/tree" -q -f json -o "$work/bandit.json" 2>/dev/null || true
  read -r bandit_seconds bandit_rss < <(tail -n 1 "$work/bandit-time")
  awk -v t="$bandit_seconds" -v f="$py_files" -v l="$py_lines" -v r="$bandit_rss" -v v="$(bandit --version 2>/dev/null | head -1)" 'BEGIN {
    printf "%s: %.2f s wall, %.0f files/s, %.0f lines/s (Python only), peak RSS %.1f MB\n", v, t, f / t, l / t, r / 1024 }'
  awk -v m="$median_time" -v b="$bandit_seconds" -v ml="$all_lines" -v bl="$py_lines" 'BEGIN {
    printf "speed-up: %.1fx lines/s (mlaudit %.0f lines/s over all files vs bandit %.0f lines/s over Python), %.1fx wall time on the same tree\n", (ml / m) / (bl / b), ml / m, bl / b, b / m }'
else
  echo "bandit is not installed (apt-get install bandit): no comparison"
fi
