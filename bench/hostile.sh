#!/usr/bin/env bash
# The hostile projects (tests/hostile/) scanned one by one, with the figures the issue asks
# for: wall time, peak RSS and outcome per case. Compare two builds by passing both:
#   bench/hostile.sh [--timeout S] [--memory-mb N] [BINARY...] [-- CASE...]
# Default binary: build/mlaudit. Each scan is killed after --timeout seconds (120) and may
# allocate --memory-mb of heap (RLIMIT_DATA, 4096): a runaway parser ends there instead of
# taking the machine. Prints one Markdown table row per case and binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
timeout_seconds=120
memory_mb=4096
binaries=()
cases=()
while (($#)); do
  case "$1" in
    --timeout) timeout_seconds=$2; shift 2 ;;
    --memory-mb) memory_mb=$2; shift 2 ;;
    --) shift; cases=("$@"); break ;;
    *) binaries+=("$1"); shift ;;
  esac
done
((${#binaries[@]})) || binaries=("$build/mlaudit")
generator=$build/mlaudit-hostile-tree
[[ -x "$generator" ]] || { echo "bench: $generator is missing (cmake --build build --target mlaudit-hostile-tree)" >&2; exit 2; }
((${#cases[@]})) || mapfile -t cases < <("$generator" --list | cut -f1)
work=$(mktemp -d /tmp/mlaudit-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "| case | binary | wall s | peak RSS MB | outcome |"
echo "|---|---|---:|---:|---|"
for name in "${cases[@]}"; do
  "$generator" "$work/cases" "$name"
  for binary in "${binaries[@]}"; do
    out=$work/out
    rm -rf "$out"
    set +e
    ( ulimit -d $((memory_mb * 1024)); /usr/bin/time -f "%e %M" -o "$work/time" \
        timeout -s KILL "$timeout_seconds" "$binary" scan "$work/cases/$name/project" --format json,sarif,html,cyclonedx \
        --output "$out" --quiet --no-probes ) >/dev/null 2>"$work/stderr"
    code=$?
    set -e
    read -r seconds rss < <(tail -n 1 "$work/time")
    case "$code" in
      0|1) outcome="exit $code, reports written" ;;
      2) outcome="exit 2: $(grep -m1 -o 'mlaudit: .*' "$work/stderr" | cut -c1-80)" ;;
      137) outcome="killed at ${timeout_seconds} s (or out of memory)" ;;
      134) outcome="aborted ($(grep -m1 -oE 'bad_alloc|AddressSanitizer[^ ]*|terminate called[^\n]*' "$work/stderr" | head -1))" ;;
      139) outcome="crashed (SIGSEGV)" ;;
      *) outcome="exit $code" ;;
    esac
    [[ -s "$out/mlaudit.json" ]] || [[ "$code" -gt 1 ]] || outcome="$outcome, but no JSON report"
    printf '| %s | %s | %s | %.0f | %s |\n' "$name" "$(basename "$(dirname "$binary")")/$(basename "$binary")" "$seconds" "$((rss / 1024))" "$outcome"
  done
  rm -rf "$work/cases/$name"
done
