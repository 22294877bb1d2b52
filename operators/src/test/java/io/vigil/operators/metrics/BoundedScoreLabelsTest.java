package io.vigil.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.metrics.MetricsOracle.Expected;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cumulative scope above its budget: intervals that contain the exact values, and stay narrow. */
class BoundedScoreLabelsTest {

  /** 10^6 smooth scores through a budget of 10^4: scikit-learn's values inside narrow intervals. */
  @Test
  void aboveBudgetScikitLearnsValuesLieInNarrowIntervals() {
    Expected expected = MetricsOracle.single("smooth_1e6");
    BoundedScoreLabels scores = new BoundedScoreLabels(10_000);
    scores.keepEdgeAt(expected.threshold());
    for (MetricsOracle.Sample s : MetricsOracle.samples("smooth_1e6")) {
      scores.add(s.score(), s.label());
      assertThat(scores.entries()).isLessThanOrEqualTo(10_000);
    }

    BinaryMetrics m = BinaryMetrics.of(scores, expected.threshold(), 200);

    double rocAuc = Double.parseDouble(expected.get("roc_auc"));
    double pr = Double.parseDouble(expected.get("pr_auc"));
    assertThat(m.exact()).isFalse();
    assertThat(m.thresholdExact()).isTrue();
    assertThat(rocAuc).isBetween(m.rocAucLower(), m.rocAucUpper());
    assertThat(pr).isBetween(m.averagePrecisionLower(), m.averagePrecisionUpper());
    assertThat(m.rocAucUpper() - m.rocAucLower()).isLessThan(1e-3);
    assertThat(m.averagePrecisionUpper() - m.averagePrecisionLower()).isLessThan(1e-3);
    var exactColumns = MetricsOracle.columns(m);
    exactColumns.keySet().removeAll(List.of("roc_auc", "pr_auc", "distinct"));
    MetricsOracle.assertAgrees(exactColumns, expected, "smooth_1e6 at its threshold");
  }

  /**
   * The exact tree as the oracle, checked every 5 000 scores while the budget merges: various
   * shapes of data, budgets and thresholds that move.
   */
  @ParameterizedTest(name = "{0}, budget {1}")
  @CsvSource({"smooth, 64", "smooth, 1000", "ties, 64", "rare_positives, 300", "sorted, 200", "moving_threshold, 500"})
  void exactValuesAlwaysInsideTheIntervals(String shape, int budget) {
    SplittableRandom random = new SplittableRandom(shape.hashCode());
    BoundedScoreLabels bounded = new BoundedScoreLabels(budget);
    ScoreLabelTree exact = new ScoreLabelTree();
    float threshold = 0.5f;
    bounded.keepEdgeAt(threshold);
    SoftAssertions soft = new SoftAssertions();
    for (int i = 1; i <= 60_000; i++) {
      boolean positive = random.nextInt(shape.equals("rare_positives") ? 100 : 3) == 0;
      float score = switch (shape) {
        case "ties" -> random.nextInt(400) / 400f;
        case "sorted" -> i / 60_000f + (positive ? 0.01f : 0);
        default -> (float) (1 / (1 + Math.exp(-(random.nextGaussian() + (positive ? 1.5 : 0)))));
      };
      if (shape.equals("moving_threshold") && i % 20_000 == 0) {
        threshold = 0.3f + random.nextInt(40) / 100f;
        bounded.keepEdgeAt(threshold);
      }
      bounded.add(score, positive);
      exact.add(score, positive);
      soft.assertThat(bounded.entries()).isLessThanOrEqualTo(budget);
      if (i % 5_000 == 0) {
        assertInside(soft, BinaryMetrics.of(bounded, threshold, 50), exact, threshold, shape + " " + i);
      }
    }
    soft.assertAll();
  }

  private static void assertInside(SoftAssertions soft, BinaryMetrics m, ScoreLabelTree tree, float threshold, String what) {
    BinaryMetrics exact = BinaryMetrics.of(tree, threshold, 2);
    soft.assertThat(exact.rocAuc()).as(what + " roc_auc").isBetween(m.rocAucLower(), m.rocAucUpper());
    soft.assertThat(exact.averagePrecision()).as(what + " ap").isBetween(m.averagePrecisionLower(), m.averagePrecisionUpper());
    soft.assertThat(m.rocAuc()).as(what + " roc_auc estimate").isBetween(m.rocAucLower(), m.rocAucUpper());
    soft.assertThat(m.averagePrecision()).as(what + " ap estimate")
        .isBetween(m.averagePrecisionLower(), m.averagePrecisionUpper());
    soft.assertThat(m.positives()).isEqualTo(exact.positives());
    soft.assertThat(m.negatives()).isEqualTo(exact.negatives());
    if (m.thresholdExact()) {
      soft.assertThat(m.truePositives()).as(what + " tp").isEqualTo(exact.truePositives());
      soft.assertThat(m.falsePositives()).as(what + " fp").isEqualTo(exact.falsePositives());
      soft.assertThat(m.f1()).as(what + " f1").isEqualTo(exact.f1());
    }
    // Curve points sit at entry edges: each must be a point of the exact curve at that threshold.
    for (CurvePoint p : m.curve()) {
      ScoreLabelTree.Counts at = tree.atOrAbove(p.threshold());
      soft.assertThat(p.tpr()).as(what + " curve tpr at " + p.threshold()).isEqualTo((double) at.positives() / tree.positives());
      soft.assertThat(p.fpr()).as(what + " curve fpr at " + p.threshold()).isEqualTo((double) at.negatives() / tree.negatives());
    }
  }

  /** A threshold kept as an edge keeps the confusion matrix exact, also after later merges. */
  @Test
  void confusionMatrixAtTheThresholdStaysExactThroughMerges() {
    SplittableRandom random = new SplittableRandom(7);
    BoundedScoreLabels bounded = new BoundedScoreLabels(64);
    ScoreLabelTree exact = new ScoreLabelTree();
    bounded.keepEdgeAt(0.37f);
    for (int i = 0; i < 50_000; i++) {
      float score = (float) random.nextDouble();
      boolean positive = random.nextBoolean();
      bounded.add(score, positive);
      exact.add(score, positive);
    }
    BinaryMetrics m = BinaryMetrics.of(bounded, 0.37f, 10);
    assertThat(m.thresholdExact()).isTrue();
    assertThat(m.truePositives()).isEqualTo(exact.atOrAbove(0.37f).positives());
    assertThat(m.falsePositives()).isEqualTo(exact.atOrAbove(0.37f).negatives());
    // Elsewhere a bucket straddles the threshold: said so, not hidden.
    assertThat(BinaryMetrics.of(bounded, 0.6123f, 10).thresholdExact()).isFalse();
  }

  /**
   * The average-precision bounds are the extremes over every order inside the bucket: all
   * arrangements of 3 positives and 3 negatives (with ties) below fixed entries reach both ends
   * and never leave the interval.
   */
  @Test
  void averagePrecisionBoundsAreTheExtremesOfTheOrdersInsideABucket() {
    double[] seen = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    BinaryMetrics bounds = BinaryMetrics.of(
        new FixedEntries(new long[][] {{2, 1}, {3, 3}, {1, 2}}, new float[] {0.9f, 0.2f, 0.1f}, new float[] {0.9f, 0.7f, 0.1f}), 0.5f, 2);
    // Scores 0.9 (2 positives, 1 negative) and 0.1 (1, 2) around the bucket's six pairs, which get
    // scores from 0.2 to 0.7 in every way: ties included (several pairs on one level).
    int[] levels = new int[6];
    for (int code = 0; code < Math.pow(6, 6); code++) {
      int c = code;
      for (int j = 0; j < 6; j++) {
        levels[j] = c % 6;
        c /= 6;
      }
      ScoreLabelTree t = new ScoreLabelTree();
      t.add(0.9f, true);
      t.add(0.9f, true);
      t.add(0.9f, false);
      t.add(0.1f, true);
      t.add(0.1f, false);
      t.add(0.1f, false);
      for (int j = 0; j < 6; j++) {
        t.add(0.2f + levels[j] / 10f, j < 3);
      }
      BinaryMetrics m = BinaryMetrics.of(t, 0.5f, 2);
      assertThat(m.averagePrecision()).isBetween(bounds.averagePrecisionLower(), bounds.averagePrecisionUpper());
      assertThat(m.rocAuc()).isBetween(bounds.rocAucLower(), bounds.rocAucUpper());
      seen[0] = Math.min(seen[0], m.averagePrecision());
      seen[1] = Math.max(seen[1], m.averagePrecision());
    }
    assertThat(seen[0]).isCloseTo(bounds.averagePrecisionLower(), within(1e-11));
    assertThat(seen[1]).isCloseTo(bounds.averagePrecisionUpper(), within(1e-11));
  }

  /** Counts whose product passes 2^63: the Mann–Whitney sum stays exact (a long would wrap). */
  @Test
  void rocAucBeyondTwoToTheSixtyThree() {
    long unit = 1L << 40;
    BinaryMetrics m = BinaryMetrics.of(new FixedEntries(new long[][] {{3 * unit, unit}, {unit, 3 * unit}}, new float[] {0.9f, 0.1f}, new float[] {0.9f, 0.1f}), 0.5f, 2);
    // 2U = 3u(2·3u + u) + u(3u) = 24u², over 2PN = 2·4u·4u = 32u².
    assertThat(m.rocAuc()).isEqualTo(0.75);
    Int128 sum = new Int128();
    sum.addProduct(Long.MAX_VALUE, Long.MAX_VALUE);
    sum.addProduct(Long.MAX_VALUE, 3);
    assertThat(sum.toBigInteger()).isEqualTo(java.math.BigInteger.valueOf(Long.MAX_VALUE).pow(2)
        .add(java.math.BigInteger.valueOf(Long.MAX_VALUE).multiply(java.math.BigInteger.valueOf(3))));
    assertThat(sum.doubleValue()).isEqualTo(sum.toBigInteger().doubleValue());
  }

  @Test
  void reciprocalSumsAgreeWithDirectSums() {
    for (double x : new double[] {1, 2.5, 63, 64, 1e3, 1e7}) {
      for (long count : new long[] {0, 1, 10, 65, 1000, 100_000}) {
        double direct = 0;
        for (long i = count - 1; i >= 0; i--) {
          direct += 1 / (x + i);
        }
        assertThat(ReciprocalSums.of(x, count)).as(x + " " + count).isCloseTo(direct, within(1e-13 * Math.max(1, direct)));
      }
    }
  }

  @Test
  void roundTripAndCopyKeepTheEntries() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    BoundedScoreLabels bounded = new BoundedScoreLabels(100);
    bounded.keepEdgeAt(0.5f);
    for (int i = 0; i < 20_000; i++) {
      bounded.add((float) random.nextDouble(), random.nextBoolean());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bounded.writeTo(new DataOutputStream(bytes));
    BoundedScoreLabels restored = BoundedScoreLabels.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    BoundedScoreLabels copy = bounded.copy();
    bounded.add(0.25f, true);

    assertThat(entries(restored)).isEqualTo(entries(copy)).isNotEqualTo(entries(bounded));
    assertThat(restored.maxEntries()).isEqualTo(100);
    assertThat(BinaryMetrics.of(restored, 0.5f, 10)).isEqualTo(BinaryMetrics.of(copy, 0.5f, 10));
    assertThatThrownBy(() -> new BoundedScoreLabels(10)).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> entries(ScoreEntries e) {
    List<String> out = new ArrayList<>();
    e.forEachDescending((lo, hi, p, n) -> out.add(lo + ".." + hi + ":" + p + ":" + n));
    return out;
  }

  /** Entries with given counts over [low, high], highest first. */
  private record FixedEntries(long[][] counts, float[] low, float[] high) implements ScoreEntries {
    @Override
    public long positives() {
      long s = 0;
      for (long[] c : counts) {
        s += c[0];
      }
      return s;
    }

    @Override
    public long negatives() {
      long s = 0;
      for (long[] c : counts) {
        s += c[1];
      }
      return s;
    }

    @Override
    public int entries() {
      return counts.length;
    }

    @Override
    public void forEachDescending(EntryVisitor visitor) {
      for (int i = 0; i < counts.length; i++) {
        visitor.visit(low[i], high[i], counts[i][0], counts[i][1]);
      }
    }

    @Override
    public long heapBytes() {
      return 0;
    }
  }
}
