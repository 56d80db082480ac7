#!/usr/bin/env bash
# Probe evaluation: backdoor verdicts, poisoned-sample detection, label noise and membership
# inference of mlaudit-probe on models trained for it (bench/make_probe_eval.py: varied
# seeds, architectures, triggers, targets and rates), reported per split. Thresholds were
# chosen looking at the "tune" split only; the "heldout" split is what the README and the
# closing notes quote.
#   bench/probe-eval.sh [--out DIR] [--device cpu|cuda] [--quick] [--only backdoor|poisoning|membership]
#                       [--split tune|heldout]
# DIR defaults to build/probe-eval (models, results/*.json, summary.json, figures/*.svg).
# PROBE (default build/mlaudit-probe) and PYTHON (default /usr/bin/python3, with torch and
# scikit-learn) may be set; THREADS sets LibTorch's threads (default: all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/probe-eval device=cpu quick="" only="" split=""
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --quick) quick=--quick; shift ;;
    --only) only=$2; shift 2 ;;
    --split) split=$2; shift 2 ;;
    *) echo "usage: bench/probe-eval.sh [--out DIR] [--device cpu|cuda] [--quick] [--only KIND] [--split SPLIT]" >&2; exit 2 ;;
  esac
done
probe=${PROBE:-$root/build/mlaudit-probe}
python=${PYTHON:-/usr/bin/python3}
[[ -x "$probe" ]] || { echo "probe-eval: $probe is missing (build with -DMLAUDIT_BUILD_PROBE=ON)" >&2; exit 2; }
threads=()
[[ -n "${THREADS:-}" ]] && threads=(--threads "$THREADS")

if [[ ! -f "$out/manifest.json" ]]; then
  "$python" -c "import torch, sklearn, numpy" 2>/dev/null || { echo "probe-eval: $python needs torch, numpy and scikit-learn" >&2; exit 2; }
  echo "probe-eval: generating the evaluation models into $out" >&2
  "$python" "$root/bench/make_probe_eval.py" "$out" $quick >"$out.generate.log" 2>&1 || { cat "$out.generate.log" >&2; exit 1; }
fi
results=$out/results-$device
mkdir -p "$results"/{backdoor,poisoning,membership}
names() {   # names KIND: the items of that kind (of --split only, when given)
  "$python" -c "import json,sys; [print(i['name']) for i in json.load(open(sys.argv[1]))[sys.argv[2]] if sys.argv[3] in ('', i['split'])]" \
    "$out/manifest.json" "$1" "$split"
}
run() {   # run KIND NAME ARGS...: one probe, its JSON and wall time kept
  local kind=$1 name=$2; shift 2
  local target=$results/$kind/$name.json
  [[ -s "$target" ]] && return 0
  local start=$(date +%s%N)
  "$probe" "$@" --device "$device" "${threads[@]}" >"$target.tmp" 2>"$results/$kind/$name.err" || { echo "probe-eval: $kind $name failed" >&2; cat "$results/$kind/$name.err" >&2; rm -f "$target.tmp"; return 0; }
  mv "$target.tmp" "$target"
  echo "$kind $name $(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" >>"$results/wall.txt"
}
data=$out/data/probe_x.npy
if [[ -z "$only" || "$only" == backdoor ]]; then
  for name in $(names backdoor); do run backdoor "$name" "$out/backdoor/$name.pt" --data "$data" --attacks backdoor; done
fi
if [[ -z "$only" || "$only" == poisoning ]]; then
  for name in $(names poisoning); do
    run poisoning "$name" "$out/poisoning/$name/model.pt" --data "$data" --attacks poisoning \
      --train "$out/poisoning/$name/x.npy" --train-labels "$out/poisoning/$name/y.npy"
  done
fi
if [[ -z "$only" || "$only" == membership ]]; then
  for name in $(names membership); do
    folder=$out/membership/$name
    run membership "$name" "$folder/model.pt" --data "$data" --attacks membership --train "$folder/members_x.npy" \
      --train-labels "$folder/members_y.npy" --holdout "$folder/nonmembers_x.npy" --holdout-labels "$folder/nonmembers_y.npy"
  done
fi
"$python" "$root/bench/probe_eval_report.py" "$out" "$results"
