#!/usr/bin/python3
"""Scores a labelled CSV of entities never seen in training with trained models and with a
per-entity rolling z-score baseline, and reports point-wise and window-level detection
(issue 14): ROC-AUC, AP, and at each model's threshold the share of labelled anomaly windows
(runs of anomalous events of one entity) with an alert inside, the delay from a window's start
to its first alert, and false alarms (alerts outside windows) per 1000 events.

    bin/vigil generate --profile MULTI_SCALE --features 1 --entities 200 --steps 1000 --seed 11 --out ms_train.csv
    bin/vigil generate --profile MULTI_SCALE --features 1 --entities 100 --steps 1000 --seed 12 --out ms_test.csv
    /usr/bin/python3 models/train.py --medium --data ms_train.csv --test-data ms_test.csv --out /tmp/ms
    /usr/bin/python3 models/benchmark.py --models /tmp/ms --data ms_test.csv --val-data ms_train.csv \\
        --out models/reports/multiscale

The baseline's threshold is its max-F1 threshold on --val-data (the training CSV: it has no
parameters to fit, so that is its validation); the models use their own vigil.threshold.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recheck import shipped_scores  # noqa: E402
from vigil_models import data, report  # noqa: E402


def rolling_z(x: np.ndarray, width: int) -> np.ndarray:
    """Per event: max over features of |x - mean| / std of the entity's previous `width` events
    (0 for the first two events)."""
    out = np.zeros(len(x), dtype=np.float64)
    c = np.cumsum(np.vstack([np.zeros((1, x.shape[1])), x.astype(np.float64)]), axis=0)
    c2 = np.cumsum(np.vstack([np.zeros((1, x.shape[1])), x.astype(np.float64) ** 2]), axis=0)
    for t in range(2, len(x)):
        a = max(0, t - width)
        n = t - a
        mean = (c[t] - c[a]) / n
        var = np.maximum((c2[t] - c2[a]) / n - mean ** 2, 0)
        out[t] = np.max(np.abs(x[t] - mean) / (np.sqrt(var) + 1e-9 * (1 + np.abs(mean))))
    return out


def episodes(y: np.ndarray):
    """(start, end) of each run of anomalous events, end exclusive."""
    edges = np.diff(np.concatenate([[0], y.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def window_detection(labels: list[np.ndarray], scores: list[np.ndarray], thr: float) -> dict:
    detected, delays, false_alarms, events = 0, [], 0, 0
    total = 0
    for y, s in zip(labels, scores):
        alert = s >= thr
        events += len(y)
        for a, b in episodes(y):
            total += 1
            hits = np.flatnonzero(alert[a:b])
            if len(hits):
                detected += 1
                delays.append(int(hits[0]))
        # A false alarm: an alert that starts (was off the event before) outside any window.
        onset = alert & ~np.concatenate([[False], alert[:-1]])
        false_alarms += int(np.sum(onset & (y == 0)))
    return {"windows": total, "detection_rate": round(detected / max(total, 1), 4),
            "mean_delay_steps": round(float(np.mean(delays)), 2) if delays else None,
            "false_alarms_per_1000": round(1000 * false_alarms / max(events, 1), 2)}


def evaluate(labels, scores, thr) -> dict:
    y, s = np.concatenate(labels), np.concatenate(scores)
    m = report.metrics(y, s, thr)
    return {"roc_auc": round(float(roc_auc_score(y, s)), 4), "ap": round(float(average_precision_score(y, s)), 4),
            "threshold": float(thr), "precision": m["precision"], "recall": m["recall"],
            "flagged_share": round(float(np.mean(s >= thr)), 4), **window_detection(labels, scores, thr)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True)
    ap.add_argument("--data", required=True, help="labelled test CSV (entities never seen in training)")
    ap.add_argument("--val-data", required=True, help="labelled CSV to choose the baseline's threshold on")
    ap.add_argument("--baseline-width", type=int, default=48)
    ap.add_argument("--out", help="prefix for <out>.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    results, ds = {}, None
    for name, meta, ds, scores in shipped_scores(args.models, args.data):
        hp = json.loads(meta["vigil.hparams"])
        label = name + (f" ({hp['cell']} {hp.get('head', 'classifier')})" if name == "recurrent" else "")
        results[label] = evaluate([s.y for s in ds.sequences], scores, float(meta["vigil.threshold"]))
    val = data.load_csv(args.val_data, ds.feature_names)
    val_scores = np.concatenate([rolling_z(s.x, args.baseline_width) for s in val.sequences])
    thr = report.max_f1_threshold(val.labels(), val_scores)
    results[f"rolling z-score ({args.baseline_width})"] = evaluate(
        [s.y for s in ds.sequences], [rolling_z(s.x, args.baseline_width) for s in ds.sequences], thr)

    rows = ["| model | ROC-AUC | AP | threshold | precision | recall | flagged | windows detected | mean delay (steps) | false alarms / 1000 events |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        rows.append(f"| {name} | {r['roc_auc']:.3f} | {r['ap']:.3f} | {r['threshold']:.4g} | {r['precision']:.3f} | "
                    f"{r['recall']:.3f} | {r['flagged_share']:.3f} | {r['detection_rate']:.3f} of {r['windows']} | "
                    f"{r['mean_delay_steps']} | {r['false_alarms_per_1000']} |")
    base_rate = float(np.mean(np.concatenate([s.y for s in ds.sequences])))
    print(f"{args.data}: {len(ds.sequences)} entities, {sum(len(s.y) for s in ds.sequences)} events, "
          f"anomalous share {base_rate:.3f}")
    print("\n".join(rows))
    if args.out:
        with open(args.out + ".json", "w") as f:
            json.dump({"data": os.path.basename(args.data), "base_rate": round(base_rate, 4), "results": results,
                       "table": rows}, f, indent=1)


if __name__ == "__main__":
    main()
