package io.vigil.operators.metrics;

import static io.vigil.operators.metrics.MetricsOracle.SLIDING_SIZE;
import static io.vigil.operators.metrics.MetricsOracle.SLIDING_SLIDE;
import static io.vigil.operators.metrics.MetricsOracle.assertAgrees;
import static io.vigil.operators.metrics.MetricsOracle.assertOnCurve;
import static io.vigil.operators.metrics.MetricsOracle.columns;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.metrics.MetricsOracle.Expected;
import io.vigil.operators.metrics.MetricsOracle.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure maths against scikit-learn's values (see metrics-oracle/gen_oracle.py). */
class BinaryMetricsOracleTest {

  @ParameterizedTest
  @ValueSource(strings = {"ties", "all_positive", "all_negative", "no_predicted_positive", "random_1e5", "downsample"})
  void agreesWithScikitLearn(String caseName) {
    Expected expected = MetricsOracle.single(caseName);
    ScoreLabelTree tree = new ScoreLabelTree();
    MetricsOracle.samples(caseName).forEach(s -> tree.add(s.score(), s.label()));

    BinaryMetrics m = BinaryMetrics.of(tree, expected.threshold(), 200);

    assertAgrees(columns(m), expected, caseName);
    assertThat(m.exact()).isTrue();
    if (!caseName.equals("random_1e5")) {
      assertOnCurve(m.curve(), caseName);
    }
  }

  /** The cumulative scope below its budget is exact: the same values, the same curve. */
  @ParameterizedTest
  @ValueSource(strings = {"ties", "all_positive", "all_negative", "no_predicted_positive", "random_1e5", "downsample"})
  void budgetedScopeBelowItsBudgetAgreesWithScikitLearn(String caseName) {
    Expected expected = MetricsOracle.single(caseName);
    BoundedScoreLabels scores = new BoundedScoreLabels(ModelMetricsState.DEFAULT_MAX_DISTINCT * 2);
    scores.keepEdgeAt(expected.threshold());
    MetricsOracle.samples(caseName).forEach(s -> scores.add(s.score(), s.label()));

    BinaryMetrics m = BinaryMetrics.of(scores, expected.threshold(), 200);

    assertAgrees(columns(m), expected, caseName);
    assertThat(m.exact()).isTrue();
    assertThat(Double.compare(m.rocAucLower(), m.rocAucUpper())).isZero();
    assertThat(Double.compare(m.averagePrecisionLower(), m.averagePrecisionUpper())).isZero();
    if (!caseName.equals("random_1e5")) {
      assertOnCurve(m.curve(), caseName);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ties", "all_positive", "all_negative", "no_predicted_positive"})
  void smallCurvesAreComplete(String caseName) {
    ScoreLabelTree tree = new ScoreLabelTree();
    MetricsOracle.samples(caseName).forEach(s -> tree.add(s.score(), s.label()));

    List<CurvePoint> curve = BinaryMetrics.of(tree, 0.5f, 200).curve();

    assertThat(curve).hasSize(MetricsOracle.curve(caseName).size());
  }

  @Test
  void downsampledCurveKeepsBothEndsAndAtMostTheLimit() {
    ScoreLabelTree tree = new ScoreLabelTree();
    MetricsOracle.samples("downsample").forEach(s -> tree.add(s.score(), s.label()));

    List<CurvePoint> curve = BinaryMetrics.of(tree, 0.5f, 200).curve();

    assertThat(curve).hasSize(200);
    assertThat(curve.get(0).threshold()).isEqualTo(maxScore(tree));
    assertThat(curve.get(199).fpr()).isEqualTo(1.0);
    assertThat(curve.get(199).tpr()).isEqualTo(1.0);
  }

  /** Insert as time goes by, remove what slid out: each window as sklearn sees it. */
  @Test
  void slidingWindowWithExpiryAgreesWithScikitLearn() {
    List<Sample> samples = MetricsOracle.samples("sliding");
    List<Expected> windows = MetricsOracle.expected("sliding").stream()
        .filter(e -> e.get("scope").equals("window"))
        .toList();
    SlidingScoreWindow window = new SlidingScoreWindow(SLIDING_SIZE, SLIDING_SLIDE);
    List<Sample> byTime = samples.stream().sorted((a, b) -> Long.compare(a.time(), b.time())).toList();
    int next = 0;
    for (Expected expected : windows) {
      long end = expected.windowEnd();
      window.advanceTo(end);
      for (; next < byTime.size() && byTime.get(next).time() < end; next++) {
        Sample s = byTime.get(next);
        assertThat(window.add(s.time(), s.score(), s.label())).isTrue();
      }
      assertAgrees(columns(BinaryMetrics.of(window.tree(), expected.threshold(), 200)), expected, "window " + end);
    }
    assertThat(next).isEqualTo(samples.size());
    window.advanceTo(windows.get(windows.size() - 1).windowEnd() + SLIDING_SIZE);
    assertThat(window.tree().isEmpty()).isTrue();
  }

  private static float maxScore(ScoreLabelTree tree) {
    float[] max = {Float.NEGATIVE_INFINITY};
    tree.forEachDescending((s, high, p, n) -> max[0] = Math.max(max[0], s));
    return max[0];
  }
}
