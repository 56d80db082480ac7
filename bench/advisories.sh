#!/usr/bin/env bash
# Cost of the dependency audit (advisories/): times whole `mlaudit scan` runs (JSON report)
# with this build and, when --before BIN names an older mlaudit, with it, runs alternating, on
#  1. bench/run.sh's synthetic monorepo (2,100 Python files; 1 requirements file, 21
#     Dockerfiles);
#  2. a dependency-heavy tree: 200 projects, each with a requirements file (25 pins), a
#     pyproject.toml and a poetry.lock of 120 packages, and a Dockerfile with pip install lines;
# and prints the audit's own phases from the JSON report (advisory data load, which overlaps
# the walk and extraction, and the check after it).
#   bench/advisories.sh [--before BIN] [--runs R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
before=""
runs=5
while (($#)); do
  case "$1" in
    --before) before=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/advisories.sh [--before BIN] [--runs R]" >&2; exit 2 ;;
  esac
done
for tool in "$build/mlaudit" "$build/mlaudit-bench-tree" /usr/bin/time; do
  [[ -x "$tool" ]] || { echo "bench: $tool is missing (build first)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/mlaudit-advisories-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Runs alternate between the builds compared, so a shared machine's load drifts over both.
# Prints "wall cpu" medians (cpu = user + sys seconds) for each binary given.
compare_scans() {   # tree binary...
  local tree=$1
  shift
  local binary index run
  declare -A walls cpus
  for ((run = 1; run <= runs; run++)); do
    index=0
    for binary in "$@"; do
      /usr/bin/time -f "%e %U %S" -o "$work/time" "$binary" scan "$tree" --quiet --format json --output "$work/out-$index" || true
      read -r wall user system < <(tail -n 1 "$work/time")
      walls[$index]+="$wall "
      cpus[$index]+="$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}') "
      index=$((index + 1))
    done
  done
  index=0
  for binary in "$@"; do
    echo "$binary: median wall $(echo "${walls[$index]}" | median) s, CPU $(echo "${cpus[$index]}" | median) s ($runs runs)"
    index=$((index + 1))
  done
}

phases() {   # the audit's phase times of the last scan
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["scan"]["stats"]["phase_seconds"]; print("  this build, last run: advisory data load %.3f s (overlaps walk+extract %.3f s), check %.3f s" % (s["advisory_load"], s["walk"]+s["extract"], s["advisory_check"]))' "$work/out-0/mlaudit.json"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/mlaudit-bench-tree" "$work/tree" --files 2100 >/dev/null
echo "synthetic monorepo ($(find "$work/tree" -type f | wc -l) files):"
compare_scans "$work/tree" "$build/mlaudit" ${before:+"$before"}
phases

# A dependency-heavy tree: real package names, versions from the advisory data's range.
packages=(torch tensorflow numpy scipy pandas scikit-learn joblib pyyaml pillow requests urllib3 flask jinja2
  werkzeug aiohttp mlflow gradio streamlit fastapi starlette uvicorn cryptography paramiko protobuf tqdm)
versions=(1.13.0 2.4.2 1.16.2 1.9.0 1.0.3 0.23.2 1.1.0 5.3 9.2.0 2.30.0 2.0.5 2.2.4 2.11.2 2.2.2 3.9.1 2.3.1 4.13.0
  1.11.0 0.109.0 0.26.1 0.11.6 41.0.5 2.9.2 3.15.0 4.11.1)
for ((p = 0; p < 200; p++)); do
  dir="$work/deps/project$p"
  mkdir -p "$dir"
  : > "$dir/requirements.txt"
  for ((i = 0; i < ${#packages[@]}; i++)); do echo "${packages[i]}==${versions[i]}" >> "$dir/requirements.txt"; done
  printf '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = ">=1.10"\nmlflow = "^2.0"\nrequests = "*"\n' > "$dir/pyproject.toml"
  : > "$dir/poetry.lock"
  for ((i = 0; i < 120; i++)); do
    name=${packages[i % ${#packages[@]}]}
    [[ $i -ge ${#packages[@]} ]] && name="pkg-$i"
    printf '[[package]]\nname = "%s"\nversion = "%s"\n\n' "$name" "${versions[i % ${#versions[@]}]}" >> "$dir/poetry.lock"
  done
  printf 'FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==1.13.0 "pyyaml>=5.1" gradio==4.13.0\n' > "$dir/Dockerfile"
done
echo "dependency-heavy tree (200 projects, $(find "$work/deps" -type f | wc -l) manifests, $((200 * (25 + 120 + 4 + 3))) dependency lines):"
compare_scans "$work/deps" "$build/mlaudit" ${before:+"$before"}
phases
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  this build: %d dependency findings" % sum(1 for f in r["findings"] if f["rule_id"] in ("config.vulnerable-dependency","config.dependency-allows-vulnerable")))' "$work/out-0/mlaudit.json"
