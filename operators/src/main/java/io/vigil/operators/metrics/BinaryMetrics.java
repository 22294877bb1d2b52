package io.vigil.operators.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Binary-classification quality of the pairs in a {@link ScoreLabelTree}, defined as
 * scikit-learn defines it: confusion matrix for "predicted positive iff score >= threshold"
 * (sklearn's own rule in roc_curve and precision_recall_curve), precision, recall, specificity,
 * F1 = 2TP / (2TP + FP + FN) and accuracy with zero division reported as 0 plus a flag,
 * ROC-AUC (roc_auc_score, ties counted one half) and average precision (average_precision_score:
 * Σ over distinct thresholds, highest first, of (R_n - R_n-1) · P_n).
 *
 * <p>ROC-AUC is NaN unless both classes are present (sklearn raises); average precision is NaN
 * without positives (sklearn warns that recall is undefined and returns a meaningless 0). With
 * positives only, it is 1, as in sklearn.
 *
 * @param curve at most {@code maxCurvePoints} points, highest threshold first
 */
public record BinaryMetrics(
    float threshold,
    long positives,
    long negatives,
    long truePositives,
    long falsePositives,
    Ratio precision,
    Ratio recall,
    Ratio specificity,
    Ratio f1,
    Ratio accuracy,
    double rocAuc,
    double averagePrecision,
    int distinctScores,
    List<CurvePoint> curve) {

  public long trueNegatives() {
    return negatives - falsePositives;
  }

  public long falseNegatives() {
    return positives - truePositives;
  }

  /** O(log n) for the confusion matrix and ROC-AUC, plus one O(n) walk for AP and the curve. */
  public static BinaryMetrics of(ScoreLabelTree tree, float threshold, int maxCurvePoints) {
    if (maxCurvePoints < 2) {
      throw new IllegalArgumentException("maxCurvePoints must be at least 2, got " + maxCurvePoints);
    }
    long p = tree.positives();
    long n = tree.negatives();
    ScoreLabelTree.Counts predicted = tree.atOrAbove(threshold);
    long tp = predicted.positives();
    long fp = predicted.negatives();
    long fn = p - tp;
    long tn = n - fp;
    Walk walk = new Walk(p, n, tree.distinctScores(), maxCurvePoints);
    tree.forEachDescending(walk);
    return new BinaryMetrics(
        threshold,
        p,
        n,
        tp,
        fp,
        Ratio.of(tp, tp + fp),
        Ratio.of(tp, p),
        Ratio.of(tn, n),
        Ratio.of(2 * tp, 2 * tp + fp + fn),
        Ratio.of(tp + tn, p + n),
        tree.rocAuc(),
        p == 0 ? Double.NaN : walk.precisionTimesPositives / p,
        tree.distinctScores(),
        walk.curve);
  }

  /** One pass over the distinct thresholds, highest first: AP's step sum and the curve sample. */
  private static final class Walk implements ScoreLabelTree.DistinctScoreVisitor {
    private final long p;
    private final long n;
    private final long lastIndex;
    private final int lastPoint;
    private final List<CurvePoint> curve;
    private long tp;
    private long fp;
    private long index;
    private int nextPoint;
    private long nextPointIndex;
    /** Σ ΔTP · precision; divided by P it is AP, since R_n - R_n-1 = ΔTP / P. */
    private double precisionTimesPositives;

    Walk(long p, long n, int distinct, int maxPoints) {
      this.p = p;
      this.n = n;
      this.lastIndex = distinct - 1L;
      this.lastPoint = (int) Math.min(maxPoints - 1L, lastIndex);
      this.curve = new ArrayList<>(lastPoint + 1);
    }

    @Override
    public void visit(float score, long positives, long negatives) {
      tp += positives;
      fp += negatives;
      double precision = (double) tp / (tp + fp);
      precisionTimesPositives += positives * precision;
      // Point j of lastPoint + 1 sits at rank floor(j · lastIndex / lastPoint): evenly spread,
      // first and last threshold included.
      if (index == nextPointIndex) {
        curve.add(new CurvePoint(score, n == 0 ? Double.NaN : (double) fp / n,
            p == 0 ? Double.NaN : (double) tp / p, precision));
        nextPoint++;
        nextPointIndex = nextPoint > lastPoint ? -1 : nextPoint * lastIndex / lastPoint;
      }
      index++;
    }
  }
}
