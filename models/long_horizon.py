#!/usr/bin/python3
"""How a model's quality moves with an entity's step index (issue 16): scores long per-entity
sequences with the shipped models, cuts the step axis into windows and reports, per window,
ROC-AUC, AP, the ROC-AUC of each anomaly kind against the normal events, and the share of
normal events flagged at the model's threshold (what makes alerts pile up).

    java ... Gen /tmp/long.csv 40 9000 5        # or: bin/vigil generate --entities 40 --steps 9000
    /usr/bin/python3 models/long_horizon.py --models models --data long.csv --window 1500 \\
        --out models/reports/long_horizon [--check 0.05]

With --check D it exits 1 when any model's last-window ROC-AUC is more than D from its first
window's (the long-horizon test in `mvn verify` runs it that way).
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recheck import shipped_scores  # noqa: E402
from vigil_models import data  # noqa: E402


def load_kinds(path: str, ds: data.Dataset) -> list[np.ndarray]:
    """The generator's `kind` column per entity, in the dataset's (time) order."""
    rows: dict[str, list] = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        e, t, k = header.index("entity_id"), header.index("time"), header.index("kind")
        for r in reader:
            rows.setdefault(r[e], []).append((float(r[t]), r[k]))
    return [np.asarray([k for _, k in sorted(rows[s.entity_id])]) for s in ds.sequences]


def window_table(ds, kinds, scores, threshold, width):
    """Per window of `width` steps (pooled over entities): quality and the normal-event alert rate."""
    n = min(len(s.x) for s in ds.sequences)
    out = []
    for a in range(0, n - width + 1, width):
        y = np.concatenate([s.y[a:a + width] for s in ds.sequences])
        k = np.concatenate([kk[a:a + width] for kk in kinds])
        sc = np.concatenate([s[a:a + width] for s in scores])
        row = {"start": a, "end": a + width, "roc_auc": round(float(roc_auc_score(y, sc)), 4),
               "ap": round(float(average_precision_score(y, sc)), 4), "base_rate": round(float(y.mean()), 4),
               "normal_flagged": round(float(np.mean(sc[y == 0] >= threshold)), 4),
               "recall": round(float(np.mean(sc[y == 1] >= threshold)), 4)}
        for kind in sorted(set(k) - {"none"}):
            sel = (k == kind) | (k == "none")
            row[f"roc_auc_{kind}"] = round(float(roc_auc_score(y[sel], sc[sel])), 4)
        out.append(row)
    return out


def plot(results: dict, path: str, title: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, r in results.items():
        mid = [(w["start"] + w["end"]) / 2 for w in r["windows"]]
        axes[0].plot(mid, [w["roc_auc"] for w in r["windows"]], marker="o", label=name)
        axes[1].plot(mid, [w["ap"] for w in r["windows"]], marker="o", label=name)
        axes[2].plot(mid, [w["normal_flagged"] for w in r["windows"]], marker="o", label=name)
    for ax, what in zip(axes, ("ROC-AUC", "AP", "normal events flagged at threshold")):
        ax.set(xlabel="step index of the entity", title=what)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="folder with recurrent.onnx, cnn.onnx, autoencoder.onnx")
    ap.add_argument("--data", required=True, help="labelled generator CSV with long sequences (and a kind column)")
    ap.add_argument("--window", type=int, default=1500, help="steps per window")
    ap.add_argument("--out", help="prefix for <out>.json and <out>.png")
    ap.add_argument("--title", default="quality by step index")
    ap.add_argument("--check", type=float, help="fail when last-window ROC-AUC differs from the first by more")
    args = ap.parse_args()
    torch.set_num_threads(2)
    results = {}
    kinds = None
    for name, meta, ds, scores in shipped_scores(args.models, args.data):
        if kinds is None:
            kinds = load_kinds(args.data, ds)
        windows = window_table(ds, kinds, scores, float(meta["vigil.threshold"]), args.window)
        results[name] = {"version": meta["vigil.version"], "threshold": float(meta["vigil.threshold"]), "windows": windows}
        print(f"== {name} {meta['vigil.version']} (threshold {float(meta['vigil.threshold']):.4g})")
        keys = [k for k in windows[0] if k not in ("start", "end")]
        print("steps".ljust(12) + "".join(k.replace("roc_auc_", "auc_")[:14].rjust(15) for k in keys))
        for w in windows:
            print(f"{w['start']:>5}-{w['end']:<6}" + "".join(f"{w.get(k, float('nan')):15.3f}" for k in keys))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out + ".json", "w") as f:
            json.dump({"data": os.path.basename(args.data), "window": args.window, "models": results}, f, indent=1)
        plot(results, args.out + ".png", args.title)
    if args.check is not None:
        bad = [f"{n}: first {r['windows'][0]['roc_auc']:.3f}, last {r['windows'][-1]['roc_auc']:.3f}"
               for n, r in results.items() if abs(r["windows"][-1]["roc_auc"] - r["windows"][0]["roc_auc"]) > args.check]
        if bad:
            sys.exit(f"late-window ROC-AUC moved more than {args.check} from the early window's: " + "; ".join(bad))
        print(f"every model's last-window ROC-AUC within ±{args.check} of its first window's")


if __name__ == "__main__":
    main()
