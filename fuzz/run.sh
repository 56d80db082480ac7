#!/usr/bin/env bash
# Runs the libFuzzer targets (ASan + UBSan) with seed corpora from the fixtures and, when
# present, ../shared/peer-model-corpora.
#   fuzz/run.sh [--build DIR] [--seconds N] [--runs N] [--jobs N] [--no-build] [TARGET...]   (default: all targets)
# --runs N alone runs N inputs whatever the time; with --seconds too, whichever comes first
# (the long runs: --runs 10000000 --seconds 3600).
# Builds DIR (default build-fuzz) with clang first (not with --no-build), then runs N targets
# at a time (default 2; N is also the build's parallelism). Corpora grow in DIR/corpus/TARGET; crashes, leaks and
# timeouts land in DIR/findings/TARGET, the log in DIR/findings/TARGET.log; one summary line
# per target (executions, exec/s, corpus files, finding files). Exits 1 if any run found something.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
seconds=60
seconds_given=0
runs=""
jobs=2
build_first=1
targets=()
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; seconds_given=1; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --no-build) build_first=0; shift ;;
    -*) echo "usage: fuzz/run.sh [--build DIR] [--seconds N] [--runs N] [--jobs N] [--no-build] [TARGET...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(fuzz_pickle fuzz_archive fuzz_npy fuzz_safetensors fuzz_notebook fuzz_csv fuzz_yaml fuzz_project_config fuzz_dockerfile
  fuzz_glob)
((${#targets[@]})) || targets=("${all[@]}")

if ((build_first)); then
  [[ -f "$build/build.ninja" ]] || CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLAUDIT_FUZZ=ON -DMLAUDIT_BUILD_TESTS=OFF -DMLAUDIT_BUILD_PROBE=OFF \
    ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} \
    ${CMAKE_C_COMPILER_LAUNCHER:+-DCMAKE_C_COMPILER_LAUNCHER=$CMAKE_C_COMPILER_LAUNCHER} >/dev/null
  cmake --build "$build" --parallel "$jobs" --target "${targets[@]}" >/dev/null
fi

shared=$root/../shared/peer-model-corpora
# Seeds: files whose names suit the target (small ones: big seeds slow every run).
seed() {
  local target=$1 corpus=$2
  shift 2
  local sources=("$root/fixtures")
  [[ -d "$shared" ]] && sources+=("$shared")
  find "${sources[@]}" -type f -size -1024k \( "$@" \) -print0 2>/dev/null |
    while IFS= read -r -d '' file; do cp -n "$file" "$corpus/$(sha1sum "$file" | cut -c1-16)" 2>/dev/null || true; done
}
prepare() {
  local target=$1 corpus=$build/corpus/$1
  mkdir -p "$corpus"
  # Inputs that once crashed a target (fuzz/regressions/TARGET/) are replayed on every run.
  [[ -d "$root/fuzz/regressions/$target" ]] && cp "$root/fuzz/regressions/$target"/* "$corpus/"
  case "$target" in
    fuzz_pickle) seed "$target" "$corpus" -name '*.pkl' -o -name '*.pickle' -o -name '*.joblib' -o -name '*.dill' -o -name '*.p' ;;
    fuzz_archive) seed "$target" "$corpus" -name '*.zip' -o -name '*.pt' -o -name '*.pth' -o -name '*.tar' -o -name '*.tar.gz' -o -name '*.keras' -o -name '*.npz' ;;
    fuzz_npy) seed "$target" "$corpus" -name '*.npy' -o -name '*.npz' ;;
    fuzz_safetensors) seed "$target" "$corpus" -name '*.safetensors' ;;
    fuzz_notebook) seed "$target" "$corpus" -name '*.ipynb' ;;
    fuzz_csv)
      # The first byte picks the format: 0 CSV, 1 TSV, 2 JSON lines, 3 JSON records. The first
      # 8 KiB of each file: profiling costs per value, and whole 64 KiB seeds ran 2 inputs/s.
      local format file
      while IFS= read -r -d '' file; do
        case "$file" in *.csv) format='\x00' ;; *.tsv) format='\x01' ;; *.jsonl) format='\x02' ;; *) format='\x03' ;; esac
        { printf "$format"; head -c 8192 "$file"; } >"$corpus/$(sha1sum "$file" | cut -c1-16)"
      done < <(find "$root/fixtures" -type f \( -name '*.csv' -o -name '*.tsv' -o -name '*.jsonl' -o -name '*.json' \) -size -1024k -print0) ;;
    fuzz_yaml) seed "$target" "$corpus" -name '*.yml' -o -name '*.yaml' -o -name '*.dvc' -o -name 'dvc.lock' -o -name 'MLmodel' ;;
    fuzz_project_config) seed "$target" "$corpus" -name '.mlaudit.yml' -o -name 'mlaudit*.yml' ;;
    fuzz_dockerfile) seed "$target" "$corpus" -name 'Dockerfile*' -o -name '*.dockerfile' -o -name 'Containerfile' ;;
    fuzz_glob)
      printf '**/a*b*c\nx/ya/bc\n' >"$corpus/seed1"
      printf '*.py[cod]\n!keep.pyc\nbuild/\n/top\ndocs/**/*.md\n' >"$corpus/seed2"
      seed "$target" "$corpus" -name '.gitignore' -o -name '.mlauditignore' ;;
  esac
}

# One target: a libFuzzer run into DIR/findings/TARGET.log, then its summary line.
fuzz_one() {
  local target=$1 findings=$build/findings/$1 log=$build/findings/$1.log
  prepare "$target"
  mkdir -p "$findings"
  local limit=(-max_total_time="$seconds")
  if [[ -n "$runs" ]]; then
    limit=(-runs="$runs")
    ((seconds_given)) && limit+=(-max_total_time="$seconds")
  fi
  local code=0
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$target" "${limit[@]}" -timeout=25 -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$build/corpus/$target" >"$log" 2>&1 || code=$?
  local executions speed corpus found slow
  executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  corpus=$(find "$build/corpus/$target" -type f | wc -l)
  found=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
  slow=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)   # over 10 s: kept, not a failure
  echo "$target: exit $code, $executions executions, $speed exec/s, corpus $corpus, $found finding file(s), $slow slow unit(s) in $findings"
  return $((code != 0))
}

# --jobs targets at a time (each libFuzzer run is one process on one core).
status=0
running=0
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
