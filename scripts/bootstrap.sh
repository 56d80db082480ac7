#!/usr/bin/env bash
# Installs what mlaudit needs on Debian 12 (as root), builds it, and scans the bundled
# sample project, writing mlaudit.sarif and mlaudit.html into the current folder.
#   scripts/bootstrap.sh [--no-scan]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(build-essential cmake ninja-build pkg-config git ca-certificates time
  libtorch-dev libboost-graph-dev libssl-dev libpugixml-dev nlohmann-json3-dev libgtest-dev
  libyaml-cpp-dev libtree-sitter-dev libre2-dev libcli11-dev libkainjow-mustache-dev
  libzip-dev libgraphviz-dev libtomlplusplus-dev libinih-dev libmimalloc-dev libarchive-dev zlib1g-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libcsv-dev libphonenumber-dev libseccomp-dev libyaml-dev
  clang libclang-rt-14-dev python3-packaging
  chromium fonts-dejavu-core fonts-liberation
  util-linux)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm fetches the pinned tree-sitter Python grammar; any Node.js 18+ with npm will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" --parallel
echo "bootstrap: built $root/build/mlaudit"

if [[ "${1:-}" != "--no-scan" ]]; then
  "$root/build/mlaudit" scan "$root/fixtures/projects/vulnerable-service" --format sarif,html --output .
fi
