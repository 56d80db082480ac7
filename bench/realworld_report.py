#!/usr/bin/env python3
"""Figures for bench/realworld.sh: findings per repository and per rule, joined with a hand
triage (precision: real and right severity) and a list of known misses (recall).

Standard library only. Reads <scans>/<repo>/mlaudit.json as written by `mlaudit scan
--format json`; prints plain text. See bench/realworld-triage-policy.md for the verdicts.

Joining a triage row to a finding of today's scan (first rule that matches wins):
  1. same repo, rule and fingerprint (mlaudit's fingerprint hashes rule, file, the text of
     the finding's line and its subject, not the line number: it survives moved lines);
  2. same repo, rule, file and line;
  3. same repo, rule and file, the nearest unmatched finding within 5 lines;
  4. the row's location is a related location of a finding of the same rule (findings
     merged into one per root cause keep their places as related locations).
A row joined by 4 counts as covered (not lost) but the finding it joined is judged by its
own primary row when it has one.
"""
import argparse
import csv
import glob
import json
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from fnmatch import fnmatch

SEVERITIES = ["critical", "high", "medium", "low", "info"]
VERDICTS = {"TP", "FP", "wrong-severity"}
# Supply-chain hygiene rules fire once per line of a manifest or workflow; recall is also
# shown without them so that they do not drown the problems a reviewer cares about.
HYGIENE_RULES = {"config.dependency-unpinned", "config.workflow-unpinned-action"}
NEAR_LINES = 5
MISS_NEAR_LINES = 3


def load_scans(scan_dir):
    findings = []
    repos = []
    for path in sorted(glob.glob(os.path.join(scan_dir, "*", "mlaudit.json"))):
        repo = os.path.basename(os.path.dirname(path))
        try:
            with open(path, encoding="utf-8") as handle:
                report = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"realworld: {path}: cannot read the JSON report ({error}); repository left out", file=sys.stderr)
            continue
        repos.append(repo)
        for raw in report.get("findings", []):
            if raw.get("suppression"):
                continue
            location = raw.get("location") or {}
            findings.append({
                "repo": repo,
                "rule": raw.get("rule_id", ""),
                "severity": raw.get("severity", ""),
                "file": location.get("file") or "",
                "line": int(location.get("line") or 0),
                "fingerprint": raw.get("fingerprint", ""),
                "related": [((r.get("location") or {}).get("file") or "", int((r.get("location") or {}).get("line") or 0))
                            for r in raw.get("related", []) + raw.get("path", [])],
                "row": None,          # the triage row judging this finding
                "merged_rows": [],    # triage rows joined through related locations
            })
    return repos, findings


def load_triage(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            verdict = (row.get("verdict") or "").strip()
            if not verdict:
                continue  # a template row nobody has judged yet
            if verdict not in VERDICTS:
                sys.exit(f"realworld: {path}:{number}: verdict must be TP, FP or wrong-severity, not {verdict!r}")
            severity = (row.get("severity") or "").strip()
            right = (row.get("right_severity") or "").strip()
            if verdict == "wrong-severity" and right not in SEVERITIES:
                sys.exit(f"realworld: {path}:{number}: wrong-severity needs right_severity (one of {', '.join(SEVERITIES)})")
            rows.append({
                "number": number,
                "repo": row["repo"].strip(),
                "rule": row["rule"].strip(),
                "file": row["file"].strip(),
                "line": int(row["line"] or 0),
                "severity": severity,
                "verdict": verdict,
                # The level the problem deserves; FP rows deserve no finding at all.
                "expected": right if verdict == "wrong-severity" else (severity if verdict == "TP" else "none"),
                "fingerprint": (row.get("fingerprint") or "").strip(),
                "duplicate": (row.get("reason") or "").strip().lower().startswith("duplicate"),
                "finding": None,
                "merged": False,
            })
    return rows


def join(rows, findings):
    by_fingerprint = defaultdict(list)  # not unique: equal line text can repeat in one file
    by_line = defaultdict(list)
    by_file = defaultdict(list)
    for finding in findings:
        if finding["fingerprint"]:
            by_fingerprint[(finding["repo"], finding["rule"], finding["fingerprint"])].append(finding)
        by_line[(finding["repo"], finding["rule"], finding["file"], finding["line"])].append(finding)
        by_file[(finding["repo"], finding["rule"], finding["file"])].append(finding)

    def attach(row, finding):
        row["finding"] = finding
        finding["row"] = row

    def nearest(row, candidates):
        free = [f for f in candidates if f["row"] is None]
        return min(free, key=lambda f: abs(f["line"] - row["line"])) if free else None

    pending = []
    for row in rows:  # 1. fingerprint, the nearest line first when it repeats
        finding = nearest(row, by_fingerprint[(row["repo"], row["rule"], row["fingerprint"])]) if row["fingerprint"] else None
        if finding:
            attach(row, finding)
        else:
            pending.append(row)
    still = []
    for row in pending:  # 2. exact line
        candidates = [f for f in by_line[(row["repo"], row["rule"], row["file"], row["line"])] if f["row"] is None]
        if candidates:
            attach(row, candidates[0])
        else:
            still.append(row)
    pending, still = still, []
    for row in pending:  # 3. nearest line
        finding = nearest(row, [f for f in by_file[(row["repo"], row["rule"], row["file"])]
                                if abs(f["line"] - row["line"]) <= NEAR_LINES])
        if finding:
            attach(row, finding)
        else:
            still.append(row)
    for row in still:  # 4. related location of a merged finding
        for finding in findings:
            if finding["repo"] != row["repo"] or finding["rule"] != row["rule"]:
                continue
            places = [(finding["file"], finding["line"])] + finding["related"]
            if any(file == row["file"] and abs(line - row["line"]) <= NEAR_LINES for file, line in places):
                row["finding"] = finding
                row["merged"] = True
                finding["merged_rows"].append(row)
                break


def judged_row(finding):
    """The row judging a finding: its own, else the rows merged into it (real wins). A merged
    finding takes the highest severity of its parts, so the level it deserves is the highest
    level its real rows deserve."""
    merged = finding["merged_rows"]
    real = [r for r in ([finding["row"]] if finding["row"] else []) + merged if r["verdict"] != "FP"]
    row = finding["row"] or (real or merged or [None])[0]
    if row is None or row["verdict"] == "FP" or len(real) < 2:
        return row
    expected = min((r["expected"] for r in real if r["expected"] in SEVERITIES), key=SEVERITIES.index,
                   default=row["expected"])
    return dict(row, expected=expected)


def percent(part, whole):
    return f"{100.0 * part / whole:5.1f} %" if whole else "    -  "


class Tally:
    def __init__(self):
        self.judged = self.tp = self.ws = self.fp = 0

    def add(self, finding, row):
        self.judged += 1
        if row["verdict"] == "FP":
            self.fp += 1
        elif finding["severity"] == row["expected"]:
            self.tp += 1  # real and at the level it deserves
        else:
            self.ws += 1

    @property
    def right(self):
        return self.tp

    @property
    def real(self):
        return self.tp + self.ws


def print_counts(repos, findings):
    per_repo = Counter(f["repo"] for f in findings)
    print("Findings per repository")
    print(f"  {'repository':58} {'total':>5}  " + " ".join(f"{s:>8}" for s in SEVERITIES))
    for repo in repos:
        severities = Counter(f["severity"] for f in findings if f["repo"] == repo)
        print(f"  {repo[:58]:58} {per_repo[repo]:5}  " + " ".join(f"{severities[s]:8}" for s in SEVERITIES))
    counts = [per_repo[r] for r in repos]
    total_severities = Counter(f["severity"] for f in findings)
    print(f"  {'total':58} {len(findings):5}  " + " ".join(f"{total_severities[s]:8}" for s in SEVERITIES))
    if counts:
        print(f"  median per repository: {statistics.median(counts):g} ({len(repos)} repositories; max {max(counts)})")
    print()
    print("Findings per rule")
    per_rule = Counter(f["rule"] for f in findings)
    for rule, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        severities = Counter(f["severity"] for f in findings if f["rule"] == rule)
        detail = ", ".join(f"{severities[s]} {s}" for s in SEVERITIES if severities[s])
        print(f"  {count:5}  {rule:46} {detail}")
    print()


def print_precision(rows, findings, triage_path):
    print(f"Precision against {triage_path} ({len(rows)} judged rows)")
    print("  real = TP + wrong-severity over judged findings; right severity = findings at the level the")
    print("  triage says they deserve over judged findings (a finding whose level changed since the triage")
    print("  is re-graded against the triaged level). Verdicts use today's severity of each finding.")
    per_rule = defaultdict(Tally)
    overall = Tally()
    high = Tally()
    without_hygiene = Tally()
    untriaged = Counter()
    for finding in findings:
        row = judged_row(finding)
        if row is None:
            untriaged[finding["rule"]] += 1
            continue
        per_rule[finding["rule"]].add(finding, row)
        overall.add(finding, row)
        if finding["rule"] not in HYGIENE_RULES:
            without_hygiene.add(finding, row)
        if finding["severity"] in ("critical", "high"):
            high.add(finding, row)
    rule_counts = Counter(f["rule"] for f in findings)
    print(f"  {'rule':46} {'found':>5} {'judged':>6} {'TP':>4} {'WS':>4} {'FP':>4} {'real':>8} {'right sev':>9}")
    for rule in sorted(rule_counts, key=lambda r: (-rule_counts[r], r)):
        t = per_rule[rule]
        print(f"  {rule:46} {rule_counts[rule]:5} {t.judged:6} {t.tp:4} {t.ws:4} {t.fp:4} {percent(t.real, t.judged):>8} {percent(t.right, t.judged):>9}")
    print(f"  {'overall (judged findings)':46} {len(findings):5} {overall.judged:6} {overall.tp:4} {overall.ws:4} {overall.fp:4} "
          f"{percent(overall.real, overall.judged):>8} {percent(overall.right, overall.judged):>9}")
    t = without_hygiene
    print(f"  {'without unpinned-dependency/action rules':46} {sum(1 for f in findings if f['rule'] not in HYGIENE_RULES):5} "
          f"{t.judged:6} {t.tp:4} {t.ws:4} {t.fp:4} {percent(t.real, t.judged):>8} {percent(t.right, t.judged):>9}")
    print(f"  {'high + critical':46} {sum(1 for f in findings if f['severity'] in ('critical', 'high')):5} {high.judged:6} "
          f"{high.tp:4} {high.ws:4} {high.fp:4} {percent(high.real, high.judged):>8} {percent(high.right, high.judged):>9}")
    # The triage is stratified by rule; weighting each rule's precision by its volume estimates
    # the share of the whole report that is real.
    weighted_real = weighted_right = weight = 0.0
    for rule, count in rule_counts.items():
        t = per_rule[rule]
        if t.judged:
            weighted_real += count * t.real / t.judged
            weighted_right += count * t.right / t.judged
            weight += count
    if weight:
        print(f"  weighted by rule volume ({int(weight)} findings of rules with a judged sample): "
              f"real {100 * weighted_real / weight:.1f} %, right severity {100 * weighted_right / weight:.1f} %")
    total_untriaged = sum(untriaged.values())
    print(f"  untriaged findings today: {total_untriaged} of {len(findings)}"
          + (" (" + ", ".join(f"{r} {c}" for r, c in untriaged.most_common()) + ")" if total_untriaged else ""))
    gone = [r for r in rows if r["finding"] is None]
    merged = [r for r in rows if r["merged"]]
    lost_real = [r for r in gone if r["verdict"] != "FP"]
    print(f"  triage rows joined through a related location (merged findings): {len(merged)}")
    print(f"  triage rows with no finding today: {len(gone)} ({len(gone) - len(lost_real)} FP removed, "
          f"{len(lost_real)} real problems no longer reported)")
    for row in lost_real[:40]:
        print(f"    lost: {row['repo']} {row['rule']} {row['file']}:{row['line']} (triage line {row['number']})")
    print()
    return per_rule, lost_real


MISS_ROW = re.compile(r"^\|\s*([MH]\d+)\s*\|")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def load_misses(path):
    """Rows of the table in realworld-missed.md: | id | repo | file | line | rules | pattern | severity | what |."""
    misses = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not MISS_ROW.match(line):
                continue
            cells = [c.strip().replace("\\|", "|") for c in UNESCAPED_PIPE.split(line.strip().strip("|"))]
            if len(cells) < 8 or not (cells[3].isdigit()):
                sys.exit(f"realworld: {path}:{number}: a miss row needs id, repo, file, line (a number, 0 for the whole file), "
                         "rules, pattern, severity, what")
            ident, repo, file, line_text, rules, pattern, severity = cells[:7]
            misses.append({
                "id": ident, "repo": repo, "file": file.strip("`"), "line": int(line_text),
                "rules": [r.strip().strip("`") for r in rules.split(",") if r.strip()],
                "pattern": pattern, "severity": severity,
            })
    return misses


def miss_caught(miss, findings):
    """A miss is caught by a finding no triage row judges: a judged finding is about another problem."""
    for finding in findings:
        if finding["repo"] != miss["repo"] or judged_row(finding) is not None:
            continue
        if not any(fnmatch(finding["rule"], glob_) for glob_ in miss["rules"]):
            continue
        places = [(finding["file"], finding["line"])] + finding["related"]
        for file, line in places:
            if fnmatch(file, miss["file"]) and (miss["line"] == 0 or abs(line - miss["line"]) <= MISS_NEAR_LINES):
                return True
    return False


def print_recall(rows, findings, misses, repos, missed_path):
    misses = [m for m in misses if m["repo"] in repos]
    caught = [m for m in misses if miss_caught(m, findings)]
    still = [m for m in misses if m not in caught]
    # A problem is counted once: rows whose reason starts with "duplicate" repeat another row's root cause.
    real_rows = [r for r in rows if r["verdict"] != "FP" and r["repo"] in repos and not r["duplicate"]]
    found = [r for r in real_rows if r["finding"] is not None]
    print(f"Recall against the triage's real findings and {missed_path} ({len(misses)} known misses)")
    print(f"  known misses now reported: {len(caught)} of {len(misses)}")
    for label, keep in (("all rules", lambda rule: True),
                        ("without unpinned-dependency/action rules", lambda rule: rule not in HYGIENE_RULES)):
        found_n = sum(1 for r in found if keep(r["rule"])) + len(caught)
        known = sum(1 for r in real_rows if keep(r["rule"])) + len(misses)
        print(f"  recall ({label}): {found_n} found of {known} known problems = {percent(found_n, known).strip()}")
    by_pattern = Counter(m["pattern"] for m in still)
    if by_pattern:
        print("  still missed, by pattern: " + ", ".join(f"{p} {c}" for p, c in by_pattern.most_common()))
        by_severity = Counter(m["severity"] for m in still)
        print("  still missed, by severity: " + ", ".join(f"{s} {by_severity[s]}" for s in SEVERITIES if by_severity[s]))
    for miss in caught:
        print(f"    caught: {miss['id']} {miss['repo']} {miss['file']}:{miss['line']}")
    print()


def print_template(findings):
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["repo", "rule", "file", "line", "severity", "verdict", "right_severity", "reason", "fingerprint"])
    for f in findings:
        if judged_row(f) is None:
            writer.writerow([f["repo"], f["rule"], f["file"], f["line"], f["severity"], "", "", "", f["fingerprint"]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scans", help="folder holding <repo>/mlaudit.json")
    parser.add_argument("--triage", help="triage CSV (repo,rule,file,line,severity,verdict,right_severity,reason[,fingerprint])")
    parser.add_argument("--missed", help="realworld-missed.md with its table of known misses")
    parser.add_argument("--alias", action="append", default=[], metavar="OLD=NEW",
                        help="a rule renamed since the triage: its rows judge findings of NEW (repeatable)")
    parser.add_argument("--template", action="store_true",
                        help="print the findings no triage row judges, as CSV rows to fill in, and nothing else")
    args = parser.parse_args()

    repos, findings = load_scans(args.scans)
    rows = load_triage(args.triage) if args.triage and os.path.exists(args.triage) else []
    rows = [r for r in rows if r["repo"] in repos]
    aliases = dict(alias.split("=", 1) for alias in args.alias if "=" in alias)
    for row in rows:
        row["rule"] = aliases.get(row["rule"], row["rule"])
    join(rows, findings)
    if args.template:
        print_template(findings)
        return
    print_counts(repos, findings)
    if args.triage:
        if os.path.exists(args.triage):
            print_precision(rows, findings, args.triage)
        else:
            print(f"no triage file at {args.triage}: precision not computed\n")
    if args.missed:
        if os.path.exists(args.missed):
            print_recall(rows, findings, load_misses(args.missed), repos, args.missed)
        else:
            print(f"no list of misses at {args.missed}: recall not computed\n")


if __name__ == "__main__":
    main()
