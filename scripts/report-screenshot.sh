#!/usr/bin/env bash
# Renders the sample project's HTML report in Debian's headless chromium and saves the first
# screen (release decision, fix-first list, GDPR status) as a PNG for the README.
#   scripts/report-screenshot.sh [OUT.png]   (default docs/report-summary.png; needs build/mlaudit)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/docs/report-summary.png}")
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "report-screenshot: chromium is not installed (apt-get install chromium)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/build/mlaudit" scan "$root/fixtures/projects/vulnerable-service" --format html --output "$work" >/dev/null || true
test -s "$work/mlaudit.html" || { echo "report-screenshot: the scan wrote no HTML report" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --host-resolver-rules='MAP * ~NOTFOUND' \
  --window-size=1280,1100 --screenshot="$out" "file://$work/mlaudit.html" 2>/dev/null
echo "report-screenshot: wrote $out"
