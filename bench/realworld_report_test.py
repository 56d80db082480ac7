#!/usr/bin/env python3
"""Checks the join of bench/realworld_report.py on small hand-written scans: the figures of
the real-world bench are only as good as the way a triage row finds its finding again after
the scanner changed (lines moved, messages and fingerprints changed, findings merged, levels
regraded, findings gone)."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realworld_report as report  # noqa: E402

HEADER = "repo,rule,file,line,severity,verdict,right_severity,reason,fingerprint\n"


def finding(rule, file, line, severity, fingerprint="", related=()):
    return {"rule_id": rule, "severity": severity, "fingerprint": fingerprint,
            "location": {"file": file, "line": line},
            "related": [{"location": {"file": f, "line": l}, "message": ""} for f, l in related],
            "path": [], "suppression": None}


class JoinTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def scans(self, per_repo):
        root = os.path.join(self.dir.name, "scans")
        for repo, findings in per_repo.items():
            os.makedirs(os.path.join(root, repo), exist_ok=True)
            with open(os.path.join(root, repo, "mlaudit.json"), "w") as handle:
                json.dump({"findings": findings}, handle)
        return root

    def triage(self, lines):
        path = os.path.join(self.dir.name, "triage.csv")
        with open(path, "w") as handle:
            handle.write(HEADER + "".join(line + "\n" for line in lines))
        return path

    def joined(self, per_repo, lines):
        repos, findings = report.load_scans(self.scans(per_repo))
        rows = report.load_triage(self.triage(lines))
        report.join(rows, findings)
        return findings, rows

    def test_fingerprint_wins_over_a_moved_line(self):
        findings, rows = self.joined(
            {"r": [finding("code.x", "a.py", 40, "high", "fp1"), finding("code.x", "a.py", 12, "high", "fp2")]},
            ["r,code.x,a.py,12,high,TP,,first,fp1", "r,code.x,a.py,40,high,FP,,second,fp2"])
        self.assertIs(rows[0]["finding"], findings[0])
        self.assertIs(rows[1]["finding"], findings[1])

    def test_changed_fingerprint_falls_back_to_the_nearest_line(self):
        findings, rows = self.joined(
            {"r": [finding("code.x", "a.py", 14, "high", "new"), finding("code.x", "a.py", 30, "high", "other")]},
            ["r,code.x,a.py,12,high,TP,,moved two lines,old"])
        self.assertIs(rows[0]["finding"], findings[0])

    def test_repeated_fingerprints_go_to_the_nearest_line(self):
        findings, rows = self.joined(
            {"r": [finding("code.x", "t.py", 33, "high", "same"), finding("code.x", "t.py", 41, "high", "same")]},
            ["r,code.x,t.py,41,high,FP,,b,same", "r,code.x,t.py,33,high,FP,,a,same"])
        self.assertIs(rows[0]["finding"], findings[1])
        self.assertIs(rows[1]["finding"], findings[0])

    def test_merged_finding_covers_its_related_locations(self):
        merged = finding("config.dep", "requirements.txt", 1, "low", "m", related=[("requirements.txt", 2), ("requirements.txt", 9)])
        findings, rows = self.joined(
            {"r": [merged]},
            ["r,config.dep,requirements.txt,1,low,TP,,numpy,", "r,config.dep,requirements.txt,9,low,TP,,torch,"])
        self.assertIs(rows[0]["finding"], findings[0])
        self.assertTrue(rows[1]["merged"])
        self.assertIs(rows[1]["finding"], findings[0])

    def test_merged_finding_deserves_the_highest_level_of_its_real_parts(self):
        merged = finding("config.act", "ci.yml", 7, "low", "m", related=[("ci.yml", 9)])
        findings, rows = self.joined(
            {"r": [merged]},
            ["r,config.act,ci.yml,7,info,TP,,actions/checkout on a tag,", "r,config.act,ci.yml,9,low,TP,,third-party on a tag,"])
        self.assertEqual(report.judged_row(findings[0])["expected"], "low")
        self.assertEqual(rows[0]["expected"], "info")  # the triage row itself is unchanged

    def test_far_line_of_another_file_does_not_join(self):
        _, rows = self.joined({"r": [finding("code.x", "b.py", 12, "high")]}, ["r,code.x,a.py,12,high,TP,,x,"])
        self.assertIsNone(rows[0]["finding"])

    def test_severity_is_regraded_against_the_triaged_level(self):
        findings, rows = self.joined(
            {"r": [finding("code.pickle", "s.py", 5, "low", "a"), finding("code.pickle", "s.py", 9, "medium", "b"),
                   finding("code.y", "s.py", 20, "high", "c")]},
            ["r,code.pickle,s.py,5,high,wrong-severity,low,same pipeline,a",  # fixed: now right
             "r,code.pickle,s.py,9,medium,TP,,own store,b",                  # unchanged: right
             "r,code.y,s.py,20,high,FP,,placeholder,c"])
        tally = report.Tally()
        for found in findings:
            tally.add(found, report.judged_row(found))
        self.assertEqual((tally.judged, tally.tp, tally.ws, tally.fp), (3, 2, 0, 1))

    def test_wrong_severity_without_a_level_is_refused(self):
        path = self.triage(["r,code.x,a.py,1,high,wrong-severity,,no level,"])
        with self.assertRaises(SystemExit):
            report.load_triage(path)

    def test_miss_is_caught_only_by_a_finding_no_row_judges(self):
        misses_path = os.path.join(self.dir.name, "missed.md")
        with open(misses_path, "w") as handle:
            handle.write("| id | repo | file | line | rules | pattern | severity | what |\n| --- |\n"
                         "| M01 | r | a.py | 10 | code.x | default-arg | high | `a \\| b` |\n"
                         "| M02 | r | data/*.csv | 0 | gdpr.* | dvc-data | medium | x |\n")
        misses = report.load_misses(misses_path)
        self.assertEqual([m["file"] for m in misses], ["a.py", "data/*.csv"])
        findings, _ = self.joined(
            {"r": [finding("code.x", "a.py", 11, "high", "judged"), finding("gdpr.lawful", "data/c.csv", 0, "medium", "new")]},
            ["r,code.x,a.py,11,high,TP,,about something else,judged"])
        self.assertFalse(report.miss_caught(misses[0], findings))
        self.assertTrue(report.miss_caught(misses[1], findings))

    def test_report_prints_lost_real_findings(self):
        scans = self.scans({"r": [finding("code.x", "a.py", 1, "high", "a")]})
        triage = self.triage(["r,code.x,a.py,1,high,TP,,kept,a", "r,code.z,b.py,7,high,TP,,gone,b",
                              "r,code.w,c.py,3,low,FP,,removed,c"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            sys.argv = ["realworld_report.py", scans, "--triage", triage]
            report.main()
        text = out.getvalue()
        self.assertIn("triage rows with no finding today: 2 (1 FP removed, 1 real problems no longer reported)", text)
        self.assertIn("lost: r code.z b.py:7", text)

    def test_alias_follows_a_renamed_rule(self):
        scans = self.scans({"r": [finding("code.new-name", "a.py", 3, "medium", "a")]})
        triage = self.triage(["r,code.old-name,a.py,3,medium,FP,,health route,a"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            sys.argv = ["realworld_report.py", scans, "--triage", triage, "--alias", "code.old-name=code.new-name"]
            report.main()
        self.assertIn("untriaged findings today: 0 of 1", out.getvalue())


if __name__ == "__main__":
    unittest.main()
