#!/usr/bin/env bash
# Hostile model files at full size (issue 16's model-parser cases): each alone in a folder,
# scanned once, with wall time, peak RSS and what the scan said about it. The test suite
# runs the same shapes scaled down (tests/test_model_hostile.cpp); this is where the time and
# memory figures come from.
#   bench/model-hostile.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
[[ -x "$build/mlaudit" ]] || { echo "bench: $build/mlaudit is missing" >&2; exit 2; }
work=$(mktemp -d /tmp/mlaudit-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import gzip, os, pathlib, struct, sys, zlib
work = pathlib.Path(sys.argv[1])
def case(name, file):
    (work / name).mkdir()
    return work / name / file
wrapper = (b"\x80\x04\x8c\x13joblib.numpy_pickle\x8c\x11NumpyArrayWrapper\x93)\x81}(\x8c\x05shape\x4b\x01\x85"
           b"\x8c\x05dtype\x8c\x05numpy\x8c\x05dtype\x93\x8c\x02|O\x85Rub")
case("deep_joblib", "model.joblib").write_bytes(wrapper * 100_000)
case("opcodes_50m", "model.pkl").write_bytes(b"\x80\x04" + b"]0" * 25_000_000 + b"N.")
case("memo_50m", "model.pkl").write_bytes(b"\x80\x04" + b"]\x94" * 25_000_000 + b"N.")
with open(case("sparse_3gb", "model.pt"), "wb") as f:
    f.write(b"\x80\x02N.")
    f.truncate(3 << 30)
# A zip member whose headers claim 10 KB while its deflate stream inflates to 600 MB.
deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
data = deflater.compress(b"\x80\x04N.") + b"".join(deflater.compress(bytes(1 << 20)) for _ in range(600)) + deflater.flush()
name = b"data.pkl"
local = b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0, 0, len(data), 10240, len(name), 0) + name + data
central = b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 20, 20, 0, 8, 0, 0, 0, len(data), 10240, len(name), 0, 0, 0, 0, 0, 0) + name
end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local), 0)
case("zip_claims_10kb", "arrays.npz").write_bytes(local + central + end)
nodes = b"\x0a\x00" * 10_000_000
def varint(v):
    out = b""
    while True:
        b, v = v & 0x7F, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out
case("onnx_10m_nodes", "model.onnx").write_bytes(b"\x08\x08\x3a" + varint(len(nodes)) + nodes)
with gzip.open(case("gzip_2gb", "model.pkl.gz"), "wb", compresslevel=1) as f:
    f.write(b"\x80\x02cbuiltins\neval\nX\x03\x00\x00\x001+1\x85R.")
    chunk = bytes(1 << 24)
    for _ in range(128):
        f.write(chunk)
case("keras_40k_openings", "model.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b'{"class_name": "X", ' * 40_000 + bytes(16))
PY

printf '%-20s %10s %12s  %s\n' case "wall s" "peak RSS MB" "outcome"
for dir in "$work"/*/; do
  name=$(basename "$dir")
  /usr/bin/time -f "%e %M" -o "$work/time.$name" "$build/mlaudit" scan "$dir" --quiet --format json --output "$work/out.$name" >/dev/null 2>&1 || true
  read -r seconds rss < "$work/time.$name"
  outcome=$(python3 - "$work/out.$name/mlaudit.json" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except Exception as error:
    print(f"no report ({error})"); sys.exit()
rules = sorted({f["rule_id"].removeprefix("model.") + ":" + f["severity"] for f in report["findings"]})
notes = [d.get("code", "") for d in report.get("diagnostics", [])]
print(", ".join(rules) or "no findings", ("; diagnostics: " + ", ".join(sorted(set(notes)))) if notes else "")
PY
)
  printf '%-20s %10s %12.0f  %s\n' "$name" "$seconds" "$(echo "$rss / 1024" | bc -l)" "$outcome"
done
