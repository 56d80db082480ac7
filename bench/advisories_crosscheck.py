#!/usr/bin/python3
"""Cross-checks mlaudit's dependency matches against the raw PyPA advisory records with
python3-packaging (Debian's /usr/bin/python3), independently of mlaudit's own code:
  1. for every PyPI component of each CycloneDX BOM (mlaudit.cdx.json), the advisory ids
     that affect it must equal the BOM's vulnerabilities for it (packages of the embedded
     selection; matches outside it are listed as NOT-EMBEDDED);
  2. each config.vulnerable-dependency finding of the JSON report next to it advises the
     lowest fixed version above the installed one that none of its advisories affect.
  bench/advisories_crosscheck.py ../shared/advisories/pypa-advisory-database OUT_DIR...
(each OUT_DIR from `mlaudit scan REPO --format json,cyclonedx --output OUT_DIR`)."""
import glob, json, os, sys
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def affected(entry, version):
    if version in [str(v) for v in entry.get("versions", [])]:
        return True
    try:
        installed = Version(version)
    except InvalidVersion:
        return False
    for ecosystem_range in entry.get("ranges", []):
        if ecosystem_range.get("type") != "ECOSYSTEM":
            continue
        events = sorted(((Version(str(v)), k) for e in ecosystem_range["events"] for k, v in e.items()), key=lambda e: e[0])
        state = False
        for at, kind in events:
            if kind == "introduced" and installed >= at: state = True
            elif kind == "fixed" and installed >= at: state = False
            elif kind == "last_affected" and installed > at: state = False
        if state:
            return True
    return False


def main():
    database, outputs = sys.argv[1], sys.argv[2:]
    records, by_package = {}, {}
    for path in glob.glob(os.path.join(database, "vulns", "*", "*.yaml")):
        record = yaml.safe_load(open(path))
        if record.get("withdrawn"):
            continue
        records[record["id"]] = record
        for entry in record.get("affected", []):
            if entry.get("package", {}).get("ecosystem") == "PyPI":
                by_package.setdefault(canonicalize_name(entry["package"]["name"]), []).append((record["id"], entry))
    embedded = set()
    for line in open(os.path.join(root, "threat-models/advisories/pypi-ml.jsonl")):
        for entry in json.loads(line).get("affected", []):
            embedded.add(entry["package"])
    same = different = outside = 0
    advice_same = advice_different = 0
    for out in outputs:
        bom = json.load(open(os.path.join(out, "mlaudit.cdx.json")))
        matched = {}
        for vulnerability in bom.get("vulnerabilities", []):
            for target in vulnerability.get("affects", []):
                matched.setdefault(target["ref"], set()).add(vulnerability["id"])
        for component in bom.get("components", []):
            if not component.get("purl", "").startswith("pkg:pypi/"):
                continue
            name, version = canonicalize_name(component["name"]), component["version"]
            expected = {i for i, entry in by_package.get(name, []) if affected(entry, version)}
            if name not in embedded:
                if expected:
                    outside += 1
                    print("NOT-EMBEDDED", name, version, sorted(expected))
                expected = set()
            got = matched.get(component.get("bom-ref"), set())
            if got == expected: same += 1
            else:
                different += 1
                print("DIFFERENT", out, name, version, "mlaudit", sorted(got), "packaging", sorted(expected))
        for finding in json.load(open(os.path.join(out, "mlaudit.json")))["findings"]:
            if finding["rule_id"] != "config.vulnerable-dependency":
                continue
            evidence = finding["evidence"]
            name, version = evidence["name"], evidence["version"]
            fix = finding["message"].split("upgrade to ", 1)[1].split(",", 1)[0]
            entries = [e for i in evidence["advisory_ids"].split(", ") for e in records[i]["affected"]
                       if canonicalize_name(e["package"]["name"]) == name]
            candidates = {Version(str(v)) for e in entries for r in e.get("ranges", []) if r.get("type") == "ECOSYSTEM"
                          for ev in r["events"] for k, v in ev.items() if k == "fixed"} | {Version(fix)}
            safe = sorted(c for c in candidates if c > Version(version) and not any(affected(e, str(c)) for e in entries))
            if safe and safe[0] == Version(fix): advice_same += 1
            else:
                advice_different += 1
                print("ADVICE", out, name, version, "->", fix, "expected", safe[0] if safe else None)
    print(f"components: {same} same advisory ids, {different} different; {outside} affected outside the embedded selection")
    print(f"upgrade advice: {advice_same} same, {advice_different} different")


main()
