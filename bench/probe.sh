#!/usr/bin/env bash
# Probe benchmark on the digits fixtures (fixtures/probe/): PGD-L∞ images/s of mlaudit-probe
# against the same attack written with python3-torch on the same TorchScript model and
# inputs (same run, same machine), and Neural Cleanse wall time for the 10-class CNN and MLP.
#   bench/probe.sh [--runs R] [--device cpu|cuda] [--repeat N]
# --repeat tiles the 300 test digits N times (default 4: 1,200 images per PGD run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=3 device=cpu repeat=4
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "usage: bench/probe.sh [--runs R] [--device cpu|cuda] [--repeat N]" >&2; exit 2 ;;
  esac
done
probe=$build/mlaudit-probe
fixtures=$root/fixtures/probe
[[ -x "$probe" ]] || { echo "bench: $probe is missing (build with -DMLAUDIT_BUILD_PROBE=ON)" >&2; exit 2; }
python=${PYTHON:-/usr/bin/python3}
"$python" -c "import torch, numpy" 2>/dev/null || { echo "bench: needs python3-torch for the comparison" >&2; exit 2; }
work=$(mktemp -d /tmp/mlaudit-probe-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$python" - "$fixtures" "$work" "$repeat" <<'PY'
import sys, numpy as np
fixtures, work, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
np.save(f"{work}/x.npy", np.tile(np.load(f"{fixtures}/test_x.npy"), (repeat, 1, 1, 1)))
np.save(f"{work}/y.npy", np.tile(np.load(f"{fixtures}/test_y.npy"), repeat))
PY
images=$("$python" -c "import numpy; print(len(numpy.load('$work/y.npy')))")
threads=$(nproc)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

cpp_pgd=() py_pgd=()
for ((i = 0; i < runs; i++)); do
  cpp_pgd+=("$("$probe" "$fixtures/cnn_clean.pt" --data "$work/x.npy" --labels "$work/y.npy" --attacks pgd_linf --eps 0.1 \
    --steps 10 --max-samples "$images" --device "$device" | "$python" -c "import json,sys; print(json.load(sys.stdin)['seconds']['pgd_linf'])")")
  py_pgd+=("$("$python" - "$fixtures/cnn_clean.pt" "$work" "$device" <<'PY'
import sys, time, numpy as np, torch, torch.nn.functional as F
model_path, work, device = sys.argv[1], sys.argv[2], sys.argv[3]
device = torch.device("cuda" if device == "cuda" and torch.cuda.is_available() else "cpu")
model = torch.jit.load(model_path, map_location=device).eval()
x_all = torch.tensor(np.load(f"{work}/x.npy"), device=device)
y_all = torch.tensor(np.load(f"{work}/y.npy"), device=device)
eps, steps = 0.1, 10
alpha = 2.5 * eps / steps
start = time.perf_counter()
for s in range(0, len(x_all), 256):           # the same batches as mlaudit-probe
    x, y = x_all[s:s + 256], y_all[s:s + 256]
    adv = x.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(adv), y), adv)
        adv = torch.min(torch.max(adv.detach() + alpha * grad.sign(), x - eps), x + eps).clamp(0, 1)
    with torch.no_grad():
        model(adv).argmax(1)
if device.type == "cuda":
    torch.cuda.synchronize()
print(time.perf_counter() - start)
PY
)")
done
cpp=$(printf '%s\n' "${cpp_pgd[@]}" | median)
py=$(printf '%s\n' "${py_pgd[@]}" | median)

nc_cnn=$("$probe" "$fixtures/cnn_backdoor.pt" --data "$fixtures/test_x.npy" --attacks backdoor --device "$device" |
  "$python" -c "import json,sys; d=json.load(sys.stdin); print(d['seconds']['backdoor'], d['backdoor']['target_class'])")
nc_mlp=$("$probe" "$fixtures/mlp_backdoor.pt" --data "$fixtures/test_x.npy" --attacks backdoor --device "$device" |
  "$python" -c "import json,sys; d=json.load(sys.stdin); print(d['seconds']['backdoor'], d['backdoor']['target_class'])")

"$python" - "$images" "$cpp" "$py" "$nc_cnn" "$nc_mlp" "$threads" "$device" "$runs" <<'PY'
import sys
images, cpp, py = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
nc_cnn, nc_mlp, threads, device, runs = sys.argv[4].split(), sys.argv[5].split(), sys.argv[6], sys.argv[7], sys.argv[8]
print(f"probe benchmark ({device}, {threads} CPU threads, median of {runs} runs; PGD-L-inf eps 0.1, 10 steps, batches of 256, "
      f"{images} digits, cnn_clean.pt)")
print(f"  mlaudit-probe (LibTorch C++) PGD: {cpp:.3f} s = {images / cpp:,.0f} images/s")
print(f"  python3-torch, same attack:       {py:.3f} s = {images / py:,.0f} images/s")
print(f"  ratio C++ / Python images/s:      {py / cpp:.2f}x")
print(f"  Neural Cleanse, 10 classes, 500 steps per class: CNN {float(nc_cnn[0]):.1f} s (target {nc_cnn[1]}), "
      f"MLP {float(nc_mlp[0]):.1f} s (target {nc_mlp[1]})")
PY
