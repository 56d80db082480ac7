#!/usr/bin/env bash
# Validates CycloneDX JSON files against the official 1.6 schema, as shipped in the npm
# package @cyclonedx/cyclonedx-library, with ajv. Tools are installed from npm on first use
# into $CYCLONEDX_TOOLS (default ~/.cache/mlaudit-cyclonedx-tools).
#   scripts/validate-cyclonedx.sh FILE.cdx.json [...]   exit 0 only when every file passes
set -euo pipefail
tools=${CYCLONEDX_TOOLS:-$HOME/.cache/mlaudit-cyclonedx-tools}
if [[ ! -x "$tools/node_modules/.bin/ajv" || ! -d "$tools/node_modules/@cyclonedx/cyclonedx-library" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && { [[ -f package.json ]] || echo '{"name":"cyclonedx-tools","private":true}' > package.json; } &&
   npm install --silent --no-audit --no-fund ajv-cli@5 ajv-formats@3 @cyclonedx/cyclonedx-library@10.3.0 >/dev/null 2>&1) ||
    { echo "validate-cyclonedx: could not install ajv-cli / @cyclonedx/cyclonedx-library from npm" >&2; exit 2; }
fi
shipped="$tools/node_modules/@cyclonedx/cyclonedx-library/res/schema"
# The packaged schema refers to its neighbours by their SNAPSHOT file names; point the
# references at the $id each neighbour declares so ajv can resolve them.
schemas=$(mktemp -d)
trap 'rm -rf "$schemas"' EXIT
cp "$shipped"/*.SNAPSHOT.schema.json "$schemas/"
sed -i 's/spdx\.SNAPSHOT\.schema\.json/spdx.schema.json/g; s/jsf-0\.82\.SNAPSHOT\.schema\.json/jsf-0.82.schema.json/g' \
  "$schemas/bom-1.6.SNAPSHOT.schema.json"
status=0
for file in "$@"; do
  copy=$(mktemp --suffix=.json)
  cp "$file" "$copy"
  if out=$(cd "$schemas" && "$tools/node_modules/.bin/ajv" validate --spec=draft7 --strict=false -c ajv-formats \
             -s bom-1.6.SNAPSHOT.schema.json -r spdx.SNAPSHOT.schema.json -r jsf-0.82.SNAPSHOT.schema.json \
             -r cryptography-defs.SNAPSHOT.schema.json -d "$copy" --errors=text 2>&1 | grep -v '^unknown format'); then
    echo "$file: CycloneDX 1.6 schema: ok"
  else
    echo "$file: CycloneDX 1.6 schema: FAIL"; echo "$out" | sed -n '1,20p' | sed 's/^/  /'; status=1
  fi
  rm -f "$copy"
done
exit $status
