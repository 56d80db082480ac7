#!/usr/bin/env bash
# The probe evaluation on the CPU and on a CUDA GPU, with the speed-up, on a machine that
# has pip's CUDA PyTorch (its python3 imports torch), cmake and ninja but none of the
# scanner's Debian libraries. Two steps:
#
#   bench/probe-cuda.sh --prepare [EVAL_DIR]
#                                      on a machine with the full build (this project's dev
#                                      VM): generates the evaluation models (or copies those of
#                                      EVAL_DIR, made by bench/make_probe_eval.py) and copies the
#                                      nlohmann/json and CLI11 headers into build/cuda-bundle
#                                      (ignored by git; about 10 MB).
#   bench/probe-cuda.sh [--only KIND] [--limit N]
#                                      on the GPU machine, in a checkout that carries
#                                      build/cuda-bundle: builds mlaudit-probe alone against
#                                      pip's LibTorch (MLAUDIT_PROBE_ONLY, no libzip or
#                                      libseccomp needed), runs bench/probe-eval.sh with
#                                      --device cpu and --device cuda, and prints the verdict
#                                      tables of both and the wall-time speed-up per kind.
# --limit N keeps the first N items of each kind (a shorter run); PYTHON overrides python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$root/build/cuda-bundle
python=${PYTHON:-python3}

if [[ "${1:-}" == "--prepare" ]]; then
  mkdir -p "$bundle/include"
  cp -r /usr/include/nlohmann "$bundle/include/"
  cp -r /usr/include/CLI "$bundle/include/"
  if [[ -n "${2:-}" && -f "$2/manifest.json" ]]; then   # an evaluation set generated before
    mkdir -p "$bundle/eval" && cp -r "$2"/{manifest.json,data,backdoor,poisoning,membership} "$bundle/eval/"
  elif [[ ! -f "$bundle/eval/manifest.json" ]]; then
    /usr/bin/python3 "$root/bench/make_probe_eval.py" "$bundle/eval"
  fi
  rm -rf "$bundle"/eval/results-*
  du -sh "$bundle"
  echo "probe-cuda: carry build/cuda-bundle to the GPU machine and run bench/probe-cuda.sh there"
  exit 0
fi

only="" limit=""
while (($#)); do
  case $1 in
    --only) only=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    *) echo "usage: bench/probe-cuda.sh --prepare | [--only backdoor|poisoning|membership] [--limit N]" >&2; exit 2 ;;
  esac
done
[[ -f "$bundle/eval/manifest.json" && -d "$bundle/include/nlohmann" ]] ||
  { echo "probe-cuda: $bundle is missing; run bench/probe-cuda.sh --prepare on the build machine first" >&2; exit 2; }
"$python" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print('torch', torch.__version__, 'CUDA', torch.version.cuda, torch.cuda.get_device_name(0))"

build=$root/build-cuda
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMLAUDIT_PROBE_ONLY=ON \
  -DMLAUDIT_TORCH_PYTHON="$(command -v "$python")" -DMLAUDIT_EXTRA_INCLUDE="$bundle/include" >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --parallel "$(nproc)" >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }
"$build/mlaudit-probe" --version

eval_dir=$bundle/eval
if [[ -n "$limit" ]]; then   # a smaller manifest: the first N items of each kind
  cp "$eval_dir/manifest.json" "$eval_dir/manifest.full.json" 2>/dev/null || true
  "$python" - "$eval_dir" "$limit" <<'PY'
import json, sys
folder, limit = sys.argv[1], int(sys.argv[2])
manifest = json.load(open(f"{folder}/manifest.full.json"))
json.dump({kind: items[:limit] for kind, items in manifest.items()}, open(f"{folder}/manifest.json", "w"))
PY
fi
for device in cpu cuda; do
  echo "== $device"
  PROBE=$build/mlaudit-probe PYTHON=$python "$root/bench/probe-eval.sh" --out "$eval_dir" --device "$device" ${only:+--only "$only"}
done
"$python" - "$eval_dir" <<'PY'
import collections, sys
folder = sys.argv[1]
def totals(device):
    sums = collections.defaultdict(float)
    try:
        for line in open(f"{folder}/results-{device}/wall.txt"):
            kind, name, seconds = line.split()
            sums[kind] += float(seconds)
    except OSError:
        pass
    return sums
cpu, cuda = totals("cpu"), totals("cuda")
print("== wall time per kind (whole mlaudit-probe processes, summed)")
for kind in sorted(set(cpu) | set(cuda)):
    if kind in cpu and kind in cuda and cuda[kind] > 0:
        print(f"  {kind:11} cpu {cpu[kind]:8.1f} s   cuda {cuda[kind]:8.1f} s   speed-up {cpu[kind] / cuda[kind]:.2f}x")
PY
