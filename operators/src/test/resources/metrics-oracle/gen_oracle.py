#!/usr/bin/python3
"""Oracle fixtures for Vigil's streaming metrics: every expected value is computed by scikit-learn.

Run with Debian's python3 (scikit-learn 1.2.1, numpy):

    cd operators/src/test/resources/metrics-oracle && /usr/bin/python3 gen_oracle.py

Writes, beside this script:
  samples.csv   case,time,score,label   the hand-written cases
  expected.csv  one row per case (and per window end and scope for the sliding case)
  curves.csv    case,threshold,fpr,tpr,precision   full ROC/PR curves of the smaller cases

The large cases are not stored: random_1e5, downsample, sliding and smooth_1e6 are drawn from splitmix64
(see generated()), which the Java test (MetricsOracle) reproduces bit for bit. Scores are float32
values, as on the wire, and written with enough digits to parse back exactly.

Where scikit-learn has no value, Vigil reports NaN: roc_auc_score raises on a single class, and
average_precision_score without positives warns that recall is undefined and returns 0. Ratios
follow zero_division=0; their *_zd flags record that sklearn warned (UndefinedMetricWarning).
"""
import csv
import math
import os
import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score,
                             precision_recall_curve, precision_score, recall_score, roc_auc_score,
                             roc_curve)

MASK = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def draw(rng):
    """u: 24 random bits; label: positive with probability 0.2 + 0.6 * u / 2^24 (integers only)."""
    u = rng.next() >> 40
    label = (rng.next() >> 40) * 10 < 2 * (1 << 24) + 6 * u
    return u, label


def generated():
    """The splitmix64 cases; MetricsOracle.generated() in Java must stay identical."""
    cases = {}
    rng = SplitMix64(1)
    rows = []
    for i in range(100_000):
        u, label = draw(rng)
        rows.append((i, (u - (1 << 23)) / (1 << 20), label))  # [-8, 8) in steps of 2^-20, ties occur
    cases['random_1e5'] = rows
    rng = SplitMix64(2)
    rows = []
    for i in range(1000):
        u, label = draw(rng)
        rows.append((i, u / (1 << 24), label))
    cases['downsample'] = rows
    rng = SplitMix64(3)
    rows = []
    for i in range(3000):
        u, label = draw(rng)
        jitter = (rng.next() >> 40) % 300  # arrivals up to 300 ms out of order
        rows.append((i * 10 + jitter, (u >> 16) / 256, label))  # 256 levels: many ties
    cases['sliding'] = rows
    rng = SplitMix64(4)
    rows = []
    for i in range(1_000_000):
        u, label = draw(rng)
        rows.append((i, u / (1 << 24), label))  # smooth: mostly distinct, far beyond a small budget
    cases['smooth_1e6'] = rows
    return cases


# Hand-written cases: (threshold, [(score, label)]).
EXPLICIT = {
    # Ties within and across classes, -0.0 tied with 0.0, a tie exactly at the threshold.
    'ties': (0.5, [(0.5, 1), (0.5, 0), (0.5, 1), (0.25, 0), (0.25, 1), (0.75, 1), (0.75, 1),
                   (0.0, 0), (-0.0, 1), (0.75, 0), (1.0, 0), (0.125, 0)]),
    'all_positive': (0.5, [(0.9, 1), (0.1, 1), (0.5, 1), (0.5, 1), (0.3, 1), (0.7, 1)]),
    'all_negative': (0.5, [(0.9, 0), (0.1, 0), (0.5, 0), (0.5, 0), (0.3, 0), (0.7, 0)]),
    'no_predicted_positive': (0.95, [(0.9, 1), (0.1, 0), (0.5, 1), (0.5, 0), (0.3, 0), (0.7, 1)]),
}
GENERATED_THRESHOLD = 0.5
SLIDING_SIZE = 5000
SLIDING_SLIDE = 1000
CURVE_CASES = list(EXPLICIT) + ['downsample']

COLUMNS = ['case', 'scope', 'window_end', 'threshold', 'positives', 'negatives', 'tp', 'fp', 'tn', 'fn',
           'precision', 'precision_zd', 'recall', 'recall_zd', 'specificity', 'specificity_zd',
           'f1', 'f1_zd', 'accuracy', 'accuracy_zd', 'roc_auc', 'pr_auc', 'distinct']


def num(x):
    """Shortest text that parses back to the same double in Java (NaN spelled Java's way)."""
    x = float(x)
    return 'NaN' if math.isnan(x) else repr(x)


def f32(x):
    return float(np.float32(x))


def warned(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        value = fn(*args, **kwargs)
    return value, any(issubclass(w.category, UndefinedMetricWarning) for w in caught)


def metrics(scores, labels, threshold):
    s = np.asarray(scores, dtype=np.float32)
    y = np.asarray(labels, dtype=int)
    pred = (s >= np.float32(threshold)).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    precision, precision_zd = warned(precision_score, y, pred, zero_division='warn')
    recall, recall_zd = warned(recall_score, y, pred, zero_division='warn')
    specificity, specificity_zd = warned(recall_score, y, pred, pos_label=0, zero_division='warn')
    f1, f1_zd = warned(f1_score, y, pred, zero_division='warn')
    try:
        roc_auc = roc_auc_score(y, s)
    except ValueError:  # a single class: sklearn has no ROC-AUC
        roc_auc = math.nan
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        pr_auc = average_precision_score(y, s) if y.sum() > 0 else math.nan
    return {
        'threshold': num(f32(threshold)), 'positives': int(y.sum()), 'negatives': int(len(y) - y.sum()),
        'tp': int(tp), 'fp': int(fp), 'tn': int(tn), 'fn': int(fn),
        'precision': num(precision), 'precision_zd': int(precision_zd),
        'recall': num(recall), 'recall_zd': int(recall_zd),
        'specificity': num(specificity), 'specificity_zd': int(specificity_zd),
        'f1': num(f1), 'f1_zd': int(f1_zd),
        'accuracy': num(accuracy_score(y, pred)), 'accuracy_zd': int(len(y) == 0),
        'roc_auc': num(roc_auc), 'pr_auc': num(pr_auc), 'distinct': len(np.unique(s + np.float32(0))),
    }


def curve_rows(case, scores, labels):
    s = np.asarray(scores, dtype=np.float32)
    y = np.asarray(labels, dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        fpr, tpr, roc_thresholds = roc_curve(y, s, drop_intermediate=False)
        precision, _, pr_thresholds = precision_recall_curve(y, s)
    precision_at = {float(t): p for t, p in zip(pr_thresholds, precision[:-1])}
    # roc_curve's first point is its own (0, 0) at threshold max + 1: not a score, skipped.
    return [[case, num(t), num(f), num(r), num(precision_at[float(t)])]
            for t, f, r in zip(roc_thresholds[1:], fpr[1:], tpr[1:])]


def main():
    samples = [['case', 'time', 'score', 'label']]
    expected = [COLUMNS]
    curves = [['case', 'threshold', 'fpr', 'tpr', 'precision']]
    data = {}
    for case, (threshold, pairs) in EXPLICIT.items():
        rows = [(i, f32(score), bool(label)) for i, (score, label) in enumerate(pairs)]
        samples += [[case, t, num(score), int(label)] for t, score, label in rows]
        data[case] = (threshold, rows)
    for case, rows in generated().items():
        data[case] = (GENERATED_THRESHOLD, [(t, f32(score), label) for t, score, label in rows])

    for case, (threshold, rows) in data.items():
        scores = [score for _, score, _ in rows]
        labels = [label for _, _, label in rows]
        if case == 'sliding':
            last = max(t for t, _, _ in rows)
            for end in range(SLIDING_SLIDE, last + SLIDING_SIZE + SLIDING_SLIDE, SLIDING_SLIDE):
                window = [(s, l) for t, s, l in rows if end - SLIDING_SIZE <= t < end]
                so_far = [(s, l) for t, s, l in rows if t < end]
                for scope, members in (('window', window), ('cumulative', so_far)):
                    if members:
                        m = metrics([s for s, _ in members], [l for _, l in members], threshold)
                        expected.append([{'case': case, 'scope': scope, 'window_end': end, **m}[c] for c in COLUMNS])
        else:
            m = metrics(scores, labels, threshold)
            expected.append([{'case': case, 'scope': 'cumulative', 'window_end': '', **m}[c] for c in COLUMNS])
        if case in CURVE_CASES:
            curves += curve_rows(case, scores, labels)

    for name, rows in (('samples.csv', samples), ('expected.csv', expected), ('curves.csv', curves)):
        with open(os.path.join(HERE, name), 'w', newline='') as f:
            csv.writer(f, lineterminator='\n').writerows(rows)


if __name__ == '__main__':
    main()
