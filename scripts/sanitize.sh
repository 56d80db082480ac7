#!/usr/bin/env bash
# The sanitizer job (CI runs it after the README's tests): builds the scanner, the whole test
# suite and the fuzz targets with clang under AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/, runs every test there, then each fuzz target for a short while. Any sanitizer
# report fails it.
#   scripts/sanitize.sh [--fuzz-seconds N]   (default 60 per target, two at a time; 0: no fuzzing)
# A unity build (sources compiled in batches) and -O1 without full debug info keep the cold
# build to about a third of a plain one; LibTorch is prebuilt and not instrumented, so the probe
# is left out and its rule fixtures say they skip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-asan
fuzz_seconds=60
while (($#)); do
  case "$1" in
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    *) echo "usage: scripts/sanitize.sh [--fuzz-seconds N]" >&2; exit 2 ;;
  esac
done

if [[ ! -f "$build/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_UNITY_BUILD=ON -DMLAUDIT_FUZZ=ON -DMLAUDIT_BUILD_PROBE=OFF \
    ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} \
    ${CMAKE_C_COMPILER_LAUNCHER:+-DCMAKE_C_COMPILER_LAUNCHER=$CMAKE_C_COMPILER_LAUNCHER} >/dev/null
fi
cmake --build "$build" --parallel 2
echo "sanitize: built $build"

# Leaks count as reports too; a test that exits through a sanitizer report fails.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build" --output-on-failure --parallel 2
echo "sanitize: the whole suite passed under ASan + UBSan"

if ((fuzz_seconds > 0)); then
  "$root/fuzz/run.sh" --build "$build" --no-build --seconds "$fuzz_seconds" --jobs 2
  echo "sanitize: every fuzz target ran ${fuzz_seconds} s without a report"
fi
