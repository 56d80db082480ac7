#!/usr/bin/env bash
# The peers' own model-file test corpora (../shared/peer-model-corpora, labels from the
# peers' tests in its manifest.json): how many malicious files mlaudit flags at high or
# critical, per corpus, next to the best of picklescan / modelscan / fickling as recorded in
# the manifest, and which benign files it flags at medium or above.
#   bench/peer-corpora.sh [--missed]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
corpora=${PEER_CORPORA:-${MLAUDIT_SHARED_DIR:-$root/../shared}/peer-model-corpora}
[[ -x "$build/mlaudit" ]] || { echo "bench: $build/mlaudit is missing (run scripts/bootstrap.sh --no-scan)" >&2; exit 2; }
[[ -f "$corpora/manifest.json" ]] || { echo "bench: $corpora/manifest.json is missing" >&2; exit 2; }
work=$(mktemp -d /tmp/mlaudit-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
status=0
"$build/mlaudit" scan "$corpora" --quiet --format json --output "$work" || status=$?
seconds=$(echo "$(date +%s.%N) - $start" | bc)
((status <= 1)) || { echo "bench: mlaudit exited $status" >&2; exit 1; }
python3 - "$corpora/manifest.json" "$work/mlaudit.json" "$seconds" "${1:-}" <<'PY'
import collections, json, sys
manifest = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
worst = collections.defaultdict(lambda: -1)
for finding in report["findings"]:
    path = finding["location"]["file"]
    worst[path] = max(worst[path], rank[finding["severity"]])
def corpus(entry):
    if entry["source"] == "modelaudit":
        return "ModelAudit Jinja2 chat templates" if entry["group"] == "samples/jinja2" else "ModelAudit assets, non-template"
    return {"picklescan": "picklescan tests", "modelscan": "modelscan tests", "fickling": "fickling tests"}[entry["source"]]
rows = collections.OrderedDict()
benign_flagged, missed = [], []
for entry in manifest:
    name = corpus(entry)
    row = rows.setdefault(name, {"malicious": 0, "caught": 0, "peers": collections.Counter()})
    if entry["label"] == "malicious":
        row["malicious"] += 1
        if worst[entry["file"]] >= 3:
            row["caught"] += 1
        else:
            missed.append(entry["file"])
        for peer, verdict in entry["peers_verdict"].items():
            if verdict == "flag":
                row["peers"][peer] += 1
    elif entry["label"] == "benign" and worst[entry["file"]] >= 2:
        benign_flagged.append(entry["file"])
print(f"{'corpus (malicious files)':<46} {'mlaudit high/critical':>22}   best peer in the manifest")
for name, row in rows.items():
    best = max(row["peers"].values(), default=0)
    leaders = ", ".join(sorted(p for p, n in row["peers"].items() if n == best)) if best else "-"
    print(f"{name + ' (' + str(row['malicious']) + ')':<46} {row['caught']:>22}   {best} ({leaders})")
print(f"benign files flagged at medium or above: {len(benign_flagged)}")
for path in benign_flagged:
    print(f"  {path}")
print(f"scan time: {float(sys.argv[3]):.1f} s for {len(manifest)} files")
if sys.argv[4] == "--missed":
    for path in missed:
        print(f"missed: {path}")
PY
