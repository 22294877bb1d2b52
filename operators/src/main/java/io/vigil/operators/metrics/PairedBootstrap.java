package io.vigil.operators.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The paired bootstrap of two models' average precision and F1 on the same events: each resample
 * draws n events with replacement — the same events for both models, which keeps their
 * correlation — and recomputes both metrics; the spread of the differences gives a percentile
 * interval and a two-sided p-value, p = min(1, 2 × the smaller share of differences at or below /
 * at or above zero), whose resolution is 1 / resamples.
 *
 * <p>Deterministic: the draws come from {@link SplittableRandom} with the given seed. Each model's
 * events are sorted once; a resample is a count per event, so recomputing average precision is
 * one O(n) walk of that order (a count multiplies the event, as scikit-learn's sample_weight
 * does): O(n log n + resamples × n) in all.
 */
public final class PairedBootstrap {

  /** The two metrics' differences, challenger − champion. */
  public record Result(PairedDelta averagePrecision, PairedDelta f1) {}

  private PairedBootstrap() {}

  public static Result compare(PairedScores data, int resamples, long seed, double confidence) {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be positive, is " + resamples);
    }
    int n = data.size();
    int[] ones = new int[n];
    Arrays.fill(ones, 1);
    int[] championOrder = descending(data.champion());
    int[] challengerOrder = descending(data.challenger());
    double apA = averagePrecision(data.champion(), championOrder, data.labels(), ones);
    double apB = averagePrecision(data.challenger(), challengerOrder, data.labels(), ones);
    double f1A = f1(data.championPredicted(), data.labels(), ones);
    double f1B = f1(data.challengerPredicted(), data.labels(), ones);

    SplittableRandom random = new SplittableRandom(seed);
    double[] apDeltas = new double[resamples];
    double[] f1Deltas = new double[resamples];
    int apKept = 0;
    int[] counts = new int[n];
    for (int r = 0; r < resamples && n > 0; r++) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < n; i++) {
        counts[random.nextInt(n)]++;
      }
      double a = averagePrecision(data.champion(), championOrder, data.labels(), counts);
      double b = averagePrecision(data.challenger(), challengerOrder, data.labels(), counts);
      if (!Double.isNaN(a)) { // a resample without positives has no average precision: left out
        apDeltas[apKept++] = b - a;
      }
      f1Deltas[r] = f1(data.challengerPredicted(), data.labels(), counts) - f1(data.championPredicted(), data.labels(), counts);
    }
    return new Result(delta(apA, apB, Arrays.copyOf(apDeltas, apKept), confidence),
        delta(f1A, f1B, n > 0 ? f1Deltas : new double[0], confidence));
  }

  private static PairedDelta delta(double champion, double challenger, double[] deltas, double confidence) {
    if (deltas.length == 0 || Double.isNaN(champion) || Double.isNaN(challenger)) {
      return new PairedDelta(champion, challenger, challenger - champion, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(deltas);
    int atOrBelow = 0;
    int atOrAbove = 0;
    for (double d : deltas) {
      atOrBelow += d <= 0 ? 1 : 0;
      atOrAbove += d >= 0 ? 1 : 0;
    }
    double p = Math.min(1.0, 2.0 * Math.min(atOrBelow, atOrAbove) / deltas.length);
    double tail = (1 - confidence) / 2;
    return new PairedDelta(champion, challenger, challenger - champion,
        percentile(deltas, tail), percentile(deltas, 1 - tail), p, Double.NaN);
  }

  /** Linear interpolation between order statistics (numpy's default percentile). */
  private static double percentile(double[] sorted, double q) {
    double at = q * (sorted.length - 1);
    int lo = (int) Math.floor(at);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
  }

  private static int[] descending(float[] scores) {
    Integer[] boxed = new Integer[scores.length];
    for (int i = 0; i < scores.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (x, y) -> Float.compare(scores[y] + 0f, scores[x] + 0f));
    int[] order = new int[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  /**
   * Σ (R_k − R_k−1) P_k over distinct thresholds, highest first (scikit-learn's
   * average_precision_score), each event counted {@code counts} times; NaN without positives.
   */
  static double averagePrecision(float[] scores, int[] order, boolean[] labels, int[] counts) {
    long positives = 0;
    for (int i = 0; i < labels.length; i++) {
      positives += labels[i] ? counts[i] : 0;
    }
    if (positives == 0) {
      return Double.NaN;
    }
    long tp = 0;
    long fp = 0;
    long tpBefore = 0;
    double sum = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      if (labels[i]) {
        tp += counts[i];
      } else {
        fp += counts[i];
      }
      boolean thresholdEnds = k + 1 == order.length || scores[order[k + 1]] != scores[i];
      if (thresholdEnds && tp + fp > 0) {
        sum += (double) (tp - tpBefore) / positives * tp / (tp + fp);
        tpBefore = tp;
      }
    }
    return sum;
  }

  /** 2TP / (2TP + FP + FN), 0 when that denominator is 0 (scikit-learn's zero_division=0). */
  static double f1(boolean[] predicted, boolean[] labels, int[] counts) {
    long tp = 0;
    long wrong = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] && labels[i]) {
        tp += counts[i];
      } else if (predicted[i] || labels[i]) {
        wrong += counts[i];
      }
    }
    return 2 * tp + wrong == 0 ? 0 : 2.0 * tp / (2 * tp + wrong);
  }
}
