#!/usr/bin/env bash
# Model-file benchmark: makes large model files with Debian's python3-torch / joblib
# (/usr/bin/python3) and times mlaudit on each, alone in a folder: a 220 MB PyTorch zip
# checkpoint, the same as a legacy torch.save stream, a 200 MB joblib array, and a pickle
# of over 3 million opcodes (a dict of a million memoised strings).
#   bench/models.sh [--runs R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=3
[[ "${1:-}" == "--runs" ]] && runs=$2
[[ -x "$build/mlaudit" ]] || { echo "bench: $build/mlaudit is missing (run scripts/bootstrap.sh --no-scan)" >&2; exit 2; }
/usr/bin/python3 -c "import torch, joblib" 2>/dev/null ||
  { echo "bench: needs Debian's python3-torch and python3-joblib to make the model files" >&2; exit 2; }
work=$(mktemp -d /tmp/mlaudit-models-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" <<'PY'
import pickle, sys, pathlib
import joblib, numpy as np, torch
work = pathlib.Path(sys.argv[1])
torch.manual_seed(0)
state = {f"layer{i}.weight": torch.randn(1024, 1024) for i in range(55)}  # 55 x 4 MiB = 220 MiB
for name, legacy in (("checkpoint_zip", False), ("checkpoint_legacy", True)):
    (work / name).mkdir()
    torch.save(state, work / name / "model.pt", _use_new_zipfile_serialization=not legacy)
(work / "joblib_array").mkdir()
joblib.dump({"weights": np.random.default_rng(0).standard_normal(26_214_400)}, work / "joblib_array" / "model.joblib")
(work / "many_opcodes").mkdir()
(work / "many_opcodes" / "vocabulary.pkl").write_bytes(
    pickle.dumps({f"token{i}": i for i in range(1_000_000)}, protocol=4))
PY
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for case in checkpoint_zip checkpoint_legacy joblib_array many_opcodes; do
  file=$(find "$work/$case" -type f | head -1)
  bytes=$(stat -c %s "$file")
  times=(); rss_max=0
  for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$build/mlaudit" scan "$work/$case" --quiet --format json --output "$work/out-$case"
    read -r seconds rss < "$work/time"
    times+=("$seconds"); ((rss > rss_max)) && rss_max=$rss
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  opcodes=$(grep -o '"pickle_opcodes": [0-9]*' "$work/out-$case/mlaudit.json" | head -1 | grep -o '[0-9]*$')
  findings=$(grep -o '"findings": [0-9]*' "$work/out-$case/mlaudit.json" | head -1 | grep -o '[0-9]*$')
  awk -v c="$case" -v b="$bytes" -v t="$median" -v r="$rss_max" -v o="$opcodes" -v f="$findings" -v n="$runs" 'BEGIN {
    printf "%-18s %7.1f MB  %9d opcodes  median of %d: %6.2f s  %7.1f MB/s  %9.0f opcodes/s  peak RSS %6.1f MB  findings %d\n",
           c, b / 1e6, o, n, t, b / 1e6 / t, o / t, r / 1024, f }'
done
