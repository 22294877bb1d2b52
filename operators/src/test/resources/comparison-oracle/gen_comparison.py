#!/usr/bin/python3
"""Oracle fixture for Vigil's champion/challenger comparison: every expected value is offline truth.

Run with Debian's python3 (scikit-learn 1.2.1, numpy, scipy):

    cd operators/src/test/resources/comparison-oracle && /usr/bin/python3 gen_comparison.py

Writes, beside this script:
  rows.csv      case,label,champion,challenger      paired scores of the same labelled events (float32)
  expected.csv  one row per case: thresholds, and scikit-learn's roc_auc_score, average_precision_score
                and f1_score (at each model's own threshold, predicted positive iff score >= threshold) of
                both models; DeLong's variance of the ROC-AUC difference computed directly from its
                definition (the O(m n) structural components, not the midrank shortcut the Java side uses),
                its z and two-sided p-value (scipy.stats.norm).
"""
import csv
import os

import numpy as np
from scipy.stats import norm
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))


def cases():
    rng = np.random.default_rng(7)
    out = {}
    # Challenger better than the champion, correlated: both see the same latent anomaly signal.
    n = 3000
    y = (rng.random(n) < 0.15).astype(int)
    latent = rng.normal(size=n)
    champion = latent * 0.6 + rng.normal(size=n) + 1.0 * y
    challenger = latent * 0.6 + rng.normal(size=n) * 0.8 + 1.4 * y
    out['better'] = (y, champion, challenger, 1.0, 1.2)
    # Coarse scores: many ties within and across classes and models.
    n = 1500
    y = (rng.random(n) < 0.3).astype(int)
    champion = np.round(rng.random(n) * 0.7 + 0.3 * y, 1)
    challenger = np.round(rng.random(n) * 0.75 + 0.25 * y, 1)
    out['ties'] = (y, champion, challenger, 0.5, 0.5)
    # Similar models with independent noise.
    n = 2000
    y = (rng.random(n) < 0.2).astype(int)
    champion = rng.normal(size=n) + 0.8 * y
    challenger = rng.normal(size=n) + 0.8 * y
    out['independent'] = (y, champion, challenger, 0.9, 0.9)
    return {k: (y, v1.astype(np.float32), v2.astype(np.float32), np.float32(t1), np.float32(t2))
            for k, (y, v1, v2, t1, t2) in out.items()}


def delong_direct(y, a, b):
    """Var(AUC_b - AUC_a) from the structural components V10 (per positive) and V01 (per negative)."""
    pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()
    v10, v01 = [], []
    for s in (a, b):
        x, z = s[pos].astype(np.float64)[:, None], s[neg].astype(np.float64)[None, :]
        psi = (x > z) + 0.5 * (x == z)
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
    s10, s01 = np.cov(np.array(v10)), np.cov(np.array(v01))
    contrast = np.array([-1.0, 1.0])
    return float(contrast @ s10 @ contrast / m + contrast @ s01 @ contrast / n)


def num(x):
    return repr(float(x))


def main():
    with open(os.path.join(HERE, 'rows.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['case', 'label', 'champion', 'challenger'])
        for name, (y, a, b, _, _) in cases().items():
            for i in range(len(y)):
                w.writerow([name, int(y[i]), num(a[i]), num(b[i])])
    with open(os.path.join(HERE, 'expected.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['case', 'labels', 'positives', 'champion_threshold', 'challenger_threshold',
                    'champion_roc_auc', 'challenger_roc_auc', 'champion_ap', 'challenger_ap',
                    'champion_f1', 'challenger_f1', 'delong_variance', 'delong_z', 'delong_p'])
        for name, (y, a, b, ta, tb) in cases().items():
            auc_a, auc_b = roc_auc_score(y, a), roc_auc_score(y, b)
            var = delong_direct(y, a, b)
            z = (auc_b - auc_a) / np.sqrt(var)
            w.writerow([name, len(y), int(y.sum()), num(ta), num(tb), num(auc_a), num(auc_b),
                        num(average_precision_score(y, a)), num(average_precision_score(y, b)),
                        num(f1_score(y, (a >= ta).astype(int), zero_division=0)),
                        num(f1_score(y, (b >= tb).astype(int), zero_division=0)),
                        num(var), num(z), num(2 * norm.sf(abs(z)))])


if __name__ == '__main__':
    main()
