#!/usr/bin/python3
"""Scores mlaudit-probe's results (bench/probe-eval.sh) against the evaluation set's truth
and prints the tables per split; writes RESULTS/summary.json and RESULTS/figures/*.svg.

  /usr/bin/python3 bench/probe_eval_report.py EVAL_DIR RESULTS_DIR
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def prf(found, truth):
    found, truth = set(found), set(truth)
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "found": len(found),
            "true": len(truth)}


def wall_times(results):
    times = {}
    try:
        for line in open(os.path.join(results, "wall.txt")):
            kind, name, seconds = line.split()
            times[(kind, name)] = float(seconds)
    except OSError:
        pass
    return times


def backdoor_table(manifest, results, times):
    rows = []
    for item in manifest["backdoor"]:
        report = load(os.path.join(results, "backdoor", item["name"] + ".json"))
        if not report:
            continue
        backdoor = report["backdoor"]
        target = backdoor.get("target_class")
        rows.append({"name": item["name"], "split": item["split"], "arch": item["arch"], "backdoor": item["backdoor"],
                     "true_target": item.get("target_class"), "verdict": backdoor["verdict"], "target": target,
                     "max_index": max(backdoor["anomaly_index"]), "reason": backdoor["reason"],
                     "trigger": item.get("trigger"), "seconds": times.get(("backdoor", item["name"]))})
    summary = {}
    for split in ("tune", "heldout"):
        part = [r for r in rows if r["split"] == split]
        clean = [r for r in part if not r["backdoor"]]
        bad = [r for r in part if r["backdoor"]]
        summary[split] = {
            "clean": len(clean),
            "clean_suspected": sum(r["verdict"] == "suspected" for r in clean),
            "clean_inconclusive": sum(r["verdict"] == "inconclusive" for r in clean),
            "backdoored": len(bad),
            "backdoored_suspected_right_target": sum(r["verdict"] == "suspected" and r["target"] == r["true_target"] for r in bad),
            "backdoored_suspected_wrong_target": sum(r["verdict"] == "suspected" and r["target"] != r["true_target"] for r in bad),
            "backdoored_inconclusive": sum(r["verdict"] == "inconclusive" for r in bad),
            "backdoored_missed": sum(r["verdict"] == "not-found" for r in bad),
        }
    return rows, summary


def poisoning_table(manifest, results):
    rows = []
    for item in manifest["poisoning"]:
        report = load(os.path.join(results, "poisoning", item["name"] + ".json"))
        if not report:
            continue
        poisoning = report["poisoning"]
        truth = item["poisoned_indices"]
        methods = {}
        for method in ("activation_clustering", "spectral_signatures", "label_noise", "combined"):
            found = [s["index"] for s in poisoning["suspected_indices"][method]]
            if poisoning["counts"][method] > len(found):   # the JSON lists at most 200 per method
                found = found + [-1 - i for i in range(poisoning["counts"][method] - len(found))]
            methods[method] = prf(found, truth)
        rows.append({"name": item["name"], "split": item["split"], "kind": item["kind"], "arch": item["arch"],
                     "rate": item["rate"], "layer": poisoning.get("layer"), "methods": methods})
    return rows


def membership_table(manifest, results):
    rows = []
    for item in manifest["membership"]:
        report = load(os.path.join(results, "membership", item["name"] + ".json"))
        if not report:
            continue
        membership = report["membership"]
        rows.append({"name": item["name"], "split": item["split"], "arch": item["arch"],
                     "train_accuracy": round(item["train_accuracy"], 3), "holdout_accuracy": round(item["holdout_accuracy"], 3),
                     "strongest": membership["strongest_attack"],
                     "attacks": {name: {k: attack[k] for k in ("auc", "auc_ci", "tpr_at_01pct_fpr", "tpr_at_01pct_fpr_ci",
                                                                "tpr_at_1pct_fpr", "tpr_at_1pct_fpr_ci")}
                                 for name, attack in membership["attacks"].items()},
                     "curves": report["figures"]["membership_roc"]})
    return rows


def figures(out, backdoor_rows, poisoning_rows, membership_rows):
    try:
        import matplotlib
        matplotlib.use("svg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no matplotlib: figures skipped)")
        return
    os.makedirs(out, exist_ok=True)
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    # Backdoor: the largest anomaly index per model, clean vs backdoored, by split and verdict.
    fig, ax = plt.subplots(figsize=(6, 3))
    colours = {"suspected": "#c0392b", "inconclusive": "#e67e22", "not-found": "#27ae60"}
    for x, row in enumerate(sorted(backdoor_rows, key=lambda r: (r["split"], r["backdoor"], r["name"]))):
        ax.scatter(x, row["max_index"], color=colours[row["verdict"]], marker="x" if row["backdoor"] else "o")
    ax.set_ylabel("largest anomaly index")
    ax.set_xlabel("models (o clean, x backdoored; tune split first)")
    ax.set_title("Neural Cleanse anomaly index and verdict (red suspected, orange inconclusive, green not found)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "backdoor-verdicts.svg"))
    plt.close(fig)
    # Poisoning: F1 per method and set.
    fig, ax = plt.subplots(figsize=(6, 3))
    methods = ("activation_clustering", "spectral_signatures", "label_noise", "combined")
    for m, method in enumerate(methods):
        xs = [i + 0.2 * m for i in range(len(poisoning_rows))]
        ax.bar(xs, [r["methods"][method]["f1"] for r in poisoning_rows], width=0.2, label=method.replace("_", " "))
    ax.set_xticks(range(len(poisoning_rows)))
    ax.set_xticklabels([f"{r['kind'][:2]} {r['arch']} {int(r['rate'] * 100)}%\n{r['split']}" for r in poisoning_rows], fontsize=6)
    ax.set_ylabel("F1")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "poisoning-f1.svg"))
    plt.close(fig)
    # Membership: ROC curves of every attack, log-scaled FPR.
    fig, axes = plt.subplots(1, max(1, len(membership_rows)), figsize=(3 * max(1, len(membership_rows)), 3), squeeze=False)
    for ax, row in zip(axes[0], membership_rows):
        for name, curve in row["curves"].items():
            ax.plot([max(p[0], 1e-3) for p in curve], [p[1] for p in curve], label=f"{name} ({row['attacks'][name]['auc']:.2f})")
        ax.plot([1e-3, 1], [1e-3, 1], color="grey", linewidth=0.5)
        ax.set_xscale("log")
        ax.set_title(f"{row['name']} ({row['split']})", fontsize=7)
        ax.legend(fontsize=6)
        ax.set_xlabel("FPR")
    axes[0][0].set_ylabel("TPR")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "membership-roc.svg"))
    plt.close(fig)


def main():
    eval_dir, results = sys.argv[1], sys.argv[2]
    manifest = load(os.path.join(eval_dir, "manifest.json"))
    times = wall_times(results)
    backdoor_rows, backdoor_summary = backdoor_table(manifest, results, times)
    poisoning_rows = poisoning_table(manifest, results)
    membership_rows = membership_table(manifest, results)

    print("== Backdoor verdicts")
    for row in backdoor_rows:
        truth = f"backdoor→{row['true_target']}" if row["backdoor"] else "clean"
        seconds = f"{row['seconds']:.1f}s" if row["seconds"] else ""
        print(f"  {row['split']:7} {row['name']:22} {truth:12} {row['verdict']:12} target={row['target']} "
              f"max_index={row['max_index']:.2f} {seconds}")
    for split, summary in backdoor_summary.items():
        print(f"  {split}: {json.dumps(summary)}")
    print("== Poisoned samples (precision / recall / F1)")
    for row in poisoning_rows:
        cells = "  ".join(f"{m[:5]} {v['precision']:.2f}/{v['recall']:.2f}/{v['f1']:.2f}" for m, v in row["methods"].items())
        print(f"  {row['split']:7} {row['name']:20} {row['rate']:.2f} layer={row['layer']}  {cells}")
    print("== Membership inference (AUC [95% CI], TPR at 0.1% / 1% FPR)")
    for row in membership_rows:
        print(f"  {row['split']:7} {row['name']:18} train {row['train_accuracy']} holdout {row['holdout_accuracy']} "
              f"strongest {row['strongest']}")
        for name, a in row["attacks"].items():
            print(f"      {name:10} AUC {a['auc']:.3f} {a['auc_ci']}  TPR@0.1% {a['tpr_at_01pct_fpr']:.3f} "
                  f"{a['tpr_at_01pct_fpr_ci']}  TPR@1% {a['tpr_at_1pct_fpr']:.3f} {a['tpr_at_1pct_fpr_ci']}")
    summary = {"backdoor": {"rows": backdoor_rows, "summary": backdoor_summary}, "poisoning": poisoning_rows,
               "membership": [{k: v for k, v in r.items() if k != "curves"} for r in membership_rows]}
    with open(os.path.join(results, "summary.json"), "w") as handle:
        json.dump(summary, handle, indent=1)
    figures(os.path.join(results, "figures"), backdoor_rows, poisoning_rows, membership_rows)


if __name__ == "__main__":
    main()
