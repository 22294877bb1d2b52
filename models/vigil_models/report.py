"""Metrics at a threshold, the max-F1 threshold choice, and ROC / PR plots."""
import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve  # noqa: E402


def max_f1_threshold(y: np.ndarray, s: np.ndarray) -> float:
    """The score threshold (alert when score >= threshold) with the highest F1 on (y, s).
    Meant for validation data only; the test set never picks anything."""
    p, r, t = precision_recall_curve(y, s)
    f1 = 2 * p[:-1] * r[:-1] / np.clip(p[:-1] + r[:-1], 1e-12, None)
    return float(t[int(np.argmax(f1))])


def metrics(y: np.ndarray, s: np.ndarray, threshold: float) -> dict:
    pred = s >= threshold
    both = 0 < int(np.sum(y == 1)) < len(y)
    tp, fp = int(np.sum(pred & (y == 1))), int(np.sum(pred & (y == 0)))
    fn, tn = int(np.sum(~pred & (y == 1))), int(np.sum(~pred & (y == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "specificity": round(tn / (tn + fp), 4) if tn + fp else 0.0,
        # Undefined with one class only (no anomaly in the data): null, not an exception.
        "roc_auc": round(float(roc_auc_score(y, s)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, s)), 4) if both else None,
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "threshold": float(threshold),
    }


def plot_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], out_prefix: str) -> list[str]:
    """curves: model name -> (labels, scores) on the test set. Writes <prefix>roc.png and
    <prefix>pr.png with one line per model."""
    curves = {k: (y, s) for k, (y, s) in curves.items() if 0 < int(np.sum(y == 1)) < len(y)}
    if not curves:
        return []
    fig, ax = plt.subplots(figsize=(5, 5))
    for name, (y, s) in curves.items():
        fpr, tpr, _ = roc_curve(y, s)
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(y, s):.3f})")
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC, test set")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out_prefix + "roc.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 5))
    for name, (y, s) in curves.items():
        p, r, _ = precision_recall_curve(y, s)
        ax.plot(r, p, label=f"{name} (AP {average_precision_score(y, s):.3f})")
    base = float(np.mean(next(iter(curves.values()))[0]))
    ax.axhline(base, color="k", ls=":", lw=0.8, label=f"prevalence {base:.3f}")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall, test set", ylim=(0, 1.02))
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(out_prefix + "pr.png", dpi=100)
    plt.close(fig)
    return [out_prefix + "roc.png", out_prefix + "pr.png"]
