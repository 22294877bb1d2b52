package io.vigil.operators.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Binary-classification quality of labelled scores held as {@link ScoreEntries}, defined as
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
 * <p><b>Merged buckets</b> (entries of several scores, see {@link BoundedScoreLabels}): the order
 * of the pairs inside a bucket is unknown, everything else is known. Then:
 *
 * <ul>
 *   <li>ROC-AUC counts a bucket's (positive, negative) pairs one half, as ties; each really counts
 *       0, ½ or 1, so the exact value lies within ± Σ_bucket p·n / (2PN) of it.
 *   <li>Average precision: a bucket's positives contribute Σ ΔTP · precision, which depends only on
 *       the order inside the bucket (a, c = TP, FP above it, fixed). Each positive's precision is
 *       TP/(TP+FP) at its threshold, rising in TP, falling in FP, with TP ≤ a+p and FP ≥ c there:
 *       so the contribution is at most p(a+p)/(a+p+c) (all positives tied at the top of the bucket,
 *       attainable). The i-th positive has TP ≥ a+i and FP ≤ c+n: at least Σ_i (a+i)/(a+i+c+n)
 *       (negatives first, attainable). Buckets are independent, so summing the per-bucket bounds
 *       gives an interval that contains every ordering's value, the exact one included. The
 *       reported value assumes the bucket's classes interleave evenly.
 *   <li>Curve points sit at the lower edges of entries, where the counts at or above are exact:
 *       they are exact points of the true curves.
 *   <li>The confusion matrix is exact unless the threshold falls inside a bucket ({@code
 *       thresholdExact}); {@link BoundedScoreLabels} keeps a bucket edge at the model's threshold.
 * </ul>
 *
 * <p>Interval ends are widened by {@link #ROUNDING_SLACK} per unit for floating-point rounding.
 * Without merged buckets, the intervals are the single exact value.
 *
 * @param distinctScores entries: distinct scores and merged buckets
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
    List<CurvePoint> curve,
    boolean exact,
    boolean thresholdExact,
    double rocAucLower,
    double rocAucUpper,
    double averagePrecisionLower,
    double averagePrecisionUpper) {

  /** Widening of inexact intervals for the rounding of the sums behind them. */
  public static final double ROUNDING_SLACK = 1e-12;

  public long trueNegatives() {
    return negatives - falsePositives;
  }

  public long falseNegatives() {
    return positives - truePositives;
  }

  /** One O(entries) walk for everything. */
  public static BinaryMetrics of(ScoreEntries entries, float threshold, int maxCurvePoints) {
    if (maxCurvePoints < 2) {
      throw new IllegalArgumentException("maxCurvePoints must be at least 2, got " + maxCurvePoints);
    }
    long p = entries.positives();
    long n = entries.negatives();
    Walk walk = new Walk(p, n, threshold, entries.entries(), maxCurvePoints);
    entries.forEachDescending(walk);
    long tp = walk.tpAtThreshold;
    long fp = walk.fpAtThreshold;
    long fn = p - tp;
    long tn = n - fp;
    double pairs = 2.0 * p * n;
    double auc = p == 0 || n == 0 ? Double.NaN : walk.twiceU.doubleValue() / pairs;
    double aucSlack = walk.exact ? 0 : walk.unknownPairs.doubleValue() / pairs + ROUNDING_SLACK;
    double ap = p == 0 ? Double.NaN : walk.apEstimate / p;
    double apSlack = walk.exact ? 0 : ROUNDING_SLACK;
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
        auc,
        ap,
        entries.entries(),
        walk.curve,
        walk.exact,
        walk.thresholdExact,
        Math.max(0, auc - aucSlack),
        Math.min(1, auc + aucSlack),
        p == 0 ? Double.NaN : Math.max(0, walk.apLower / p - apSlack),
        p == 0 ? Double.NaN : Math.min(1, walk.apUpper / p + apSlack));
  }

  /** One pass over the entries, highest first. */
  private static final class Walk implements ScoreEntries.EntryVisitor {
    private final long p;
    private final long n;
    private final float threshold;
    private final long lastIndex;
    private final int lastPoint;
    private final List<CurvePoint> curve;
    private final Int128 twiceU = new Int128(); // Σ pairs: 2 if the positive is higher, 1 if tied
    private final Int128 unknownPairs = new Int128(); // pairs inside merged buckets
    private long tp;
    private long fp;
    private long tpAtThreshold;
    private long fpAtThreshold;
    private boolean exact = true;
    private boolean thresholdExact = true;
    private long index;
    private int nextPoint;
    private long nextPointIndex;
    /** Σ ΔTP · precision (and its bounds); divided by P it is AP, since R_n - R_n-1 = ΔTP / P. */
    private double apEstimate;
    private double apLower;
    private double apUpper;

    Walk(long p, long n, float threshold, int entries, int maxPoints) {
      this.p = p;
      this.n = n;
      this.threshold = threshold;
      this.lastIndex = entries - 1L;
      this.lastPoint = (int) Math.min(maxPoints - 1L, lastIndex);
      this.curve = new ArrayList<>(lastPoint + 1);
    }

    @Override
    public void visit(float low, float high, long positives, long negatives) {
      boolean merged = low < high;
      if (low >= threshold) {
        tpAtThreshold += positives;
        fpAtThreshold += negatives;
      } else if (high >= threshold) {
        thresholdExact = false; // only a merged bucket can straddle the threshold
      }
      long negativesBelow = n - fp - negatives;
      twiceU.addProduct(positives, negativesBelow);
      twiceU.addProduct(positives, negativesBelow);
      twiceU.addProduct(positives, negatives);
      if (merged) {
        exact = false;
        unknownPairs.addProduct(positives, negatives);
        precisionSums(positives, negatives);
      } else if (positives > 0) {
        double contribution = positives * ((double) (tp + positives) / (tp + positives + fp + negatives));
        apEstimate += contribution;
        apLower += contribution;
        apUpper += contribution;
      }
      tp += positives;
      fp += negatives;
      // Point j of lastPoint + 1 sits at rank floor(j · lastIndex / lastPoint): evenly spread,
      // first and last threshold included.
      if (index == nextPointIndex) {
        curve.add(new CurvePoint(low, n == 0 ? Double.NaN : (double) fp / n,
            p == 0 ? Double.NaN : (double) tp / p, (double) tp / (tp + fp)));
        nextPoint++;
        nextPointIndex = nextPoint > lastPoint ? -1 : nextPoint * lastIndex / lastPoint;
      }
      index++;
    }

    /** A merged bucket's share of Σ ΔTP · precision: bounds and even-interleaving estimate (see class doc). */
    private void precisionSums(long positives, long negatives) {
      if (positives == 0) {
        return;
      }
      double a = tp;
      double c = fp;
      double upper = positives * ((a + positives) / (a + positives + c));
      double lower = positives - (c + negatives) * ReciprocalSums.of(a + c + negatives + 1, positives);
      // Even interleaving: the i-th positive has a + i above it and c + i·n/p negatives.
      double k = 1 + (double) negatives / positives;
      double estimate = positives / k + (a * (k - 1) - c) / (k * k) * ReciprocalSums.of((a + c) / k + 1, positives);
      double slack = ROUNDING_SLACK * positives;
      apLower += lower - slack;
      apUpper += upper + slack;
      apEstimate += Math.min(upper, Math.max(lower, estimate));
    }
  }
}
