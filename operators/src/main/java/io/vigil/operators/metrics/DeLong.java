package io.vigil.operators.metrics;

import java.util.Arrays;

/**
 * DeLong's paired test for the difference of two ROC-AUCs on the same events (DeLong, DeLong &
 * Clarke-Pearson 1988), computed with midranks in O(n log n) (Sun & Xu 2014) instead of the
 * O(positives × negatives) comparison of every pair.
 *
 * <p>Each model's AUC is the Mann-Whitney statistic with ties counted one half (scikit-learn's
 * roc_auc_score). Its structural components are, per positive i, the share of negatives it
 * outranks (V10_i) and, per negative j, the share of positives that outrank it (V01_j); from
 * midranks: V10_i = (rank of i among all − rank among positives) / n and V01_j = 1 − (rank of j
 * among all − rank among negatives) / m. The variance of AUC_challenger − AUC_champion is
 * c'S10c/m + c'S01c/n with c = (−1, 1) and S the components' sample covariances.
 */
public final class DeLong {

  private DeLong() {}

  /**
   * The difference challenger − champion with its z, two-sided p-value and interval at
   * {@code confidence}; NaN everywhere when a class is missing. When both models rank every pair
   * alike the variance is 0: then p is 1 if the AUCs are equal (they are), the interval a point.
   */
  public static PairedDelta compare(PairedScores data, double confidence) {
    int n = data.size();
    int m = data.positives();
    int k = n - m;
    if (m == 0 || k == 0) {
      return new PairedDelta(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    Components a = components(data.champion(), data.labels(), m, k);
    Components b = components(data.challenger(), data.labels(), m, k);
    double delta = b.auc - a.auc;
    double variance = contrastVariance(a.v10, b.v10) / m + contrastVariance(a.v01, b.v01) / k;
    double se = Math.sqrt(Math.max(0, variance));
    double z = se > 0 ? delta / se : (delta == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, delta));
    double half = NormalDistribution.twoSidedCritical(confidence) * se;
    return new PairedDelta(a.auc, b.auc, delta, delta - half, delta + half, NormalDistribution.twoSidedP(z), z);
  }

  private record Components(double auc, double[] v10, double[] v01) {}

  private static Components components(float[] scores, boolean[] labels, int m, int k) {
    float[] pos = new float[m];
    float[] neg = new float[k];
    int[] index = new int[scores.length]; // position within its own class
    for (int i = 0, p = 0, q = 0; i < scores.length; i++) {
      if (labels[i]) {
        index[i] = p;
        pos[p++] = scores[i];
      } else {
        index[i] = q;
        neg[q++] = scores[i];
      }
    }
    double[] all = midranks(scores);
    double[] withinPos = midranks(pos);
    double[] withinNeg = midranks(neg);
    double[] v10 = new double[m];
    double[] v01 = new double[k];
    double rankSum = 0;
    for (int i = 0; i < scores.length; i++) {
      if (labels[i]) {
        v10[index[i]] = (all[i] - withinPos[index[i]]) / k;
        rankSum += all[i];
      } else {
        v01[index[i]] = 1 - (all[i] - withinNeg[index[i]]) / m;
      }
    }
    double auc = (rankSum - (double) m * (m + 1) / 2) / ((double) m * k);
    return new Components(auc, v10, v01);
  }

  /** 1-based ranks, tied values sharing the mean of their ranks; -0.0 ties with 0.0. */
  static double[] midranks(float[] values) {
    int n = values.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Float.compare(values[x] + 0f, values[y] + 0f));
    double[] ranks = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double mid = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        ranks[order[t]] = mid;
      }
      i = j + 1;
    }
    return ranks;
  }

  /** Sample variance (n − 1) of b − a, which equals c'Sc for c = (−1, 1). */
  private static double contrastVariance(double[] a, double[] b) {
    int n = a.length;
    if (n < 2) {
      return 0;
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += b[i] - a[i];
    }
    mean /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double d = b[i] - a[i] - mean;
      ss += d * d;
    }
    return ss / (n - 1);
  }
}
