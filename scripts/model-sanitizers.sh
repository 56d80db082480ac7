#!/usr/bin/env bash
# Builds the model-file analysers with AddressSanitizer + UndefinedBehaviorSanitizer into a
# small driver (scripts/model_scan_driver.cpp) and runs it over the model fixtures and, when
# present, ../shared/peer-model-corpora. Any sanitizer report fails the run.
#   scripts/model-sanitizers.sh [BUILD_DIR]   # BUILD_DIR holds the generated tensorflow_subset.pb.*
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
generated=${1:-$root/build}
out=$(mktemp -d /tmp/mlaudit-asan.XXXXXX)
trap 'rm -rf "$out"' EXIT
sources=("$root"/scanner/extract/model/{artifact_analyzer,archive_artifacts,keras_artifacts,onnx_artifacts,pickle_artifacts,pickle_vm,tensor_artifacts,zip_artifacts,gguf_artifacts,tensorflow_artifacts,chat_template}.cpp
         "$root"/scanner/sniff/{sniffer,file_kind,pickle_opcodes}.cpp "$root"/scanner/util/text.cpp "$root"/scanner/facts/fact.cpp
         "$generated"/tensorflow_subset.pb.cc "$root/scripts/model_scan_driver.cpp")
objects=()
for source in "${sources[@]}"; do
  object="$out/$(basename "$source").o"
  ${CXX:-c++} -std=c++20 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
    -DONNX_ML=1 -DONNX_NAMESPACE=onnx -I"$root/scanner" -I"$root" -I"$generated" -c "$source" -o "$object"
  objects+=("$object")
done
${CXX:-c++} -fsanitize=address,undefined "${objects[@]}" -o "$out/model-scan" -lzip -larchive -lz -lonnx_proto -lprotobuf -lpthread
files=()
while IFS= read -r -d '' file; do files+=("$file"); done < <(find "$root/fixtures/models" "$root/fixtures/rules/model" -type f -print0)
corpora=${MLAUDIT_SHARED_DIR:-$root/../shared}/peer-model-corpora
if [[ -d "$corpora" ]]; then
  while IFS= read -r -d '' file; do files+=("$file"); done < <(find "$corpora" -type f ! -name manifest.json -print0)
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/model-scan" "${files[@]}" > "$out/log" 2>&1 || { tail -40 "$out/log"; echo "sanitizers: a report (above)"; exit 1; }
echo "sanitizers: ${#files[@]} files analysed under ASan+UBSan, no report"
