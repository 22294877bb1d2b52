package io.vigil.operators.quality;


import static io.vigil.operators.metrics.MetricsOracle.SLIDING_SIZE;
import static io.vigil.operators.metrics.MetricsOracle.SLIDING_SLIDE;
import static io.vigil.operators.metrics.MetricsOracle.assertAgrees;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.operators.metrics.BinaryMetrics;
import io.vigil.operators.metrics.MetricsOracle;
import io.vigil.operators.metrics.ModelMetricsState;
import io.vigil.operators.metrics.ScoreLabelTree;
import io.vigil.operators.metrics.MetricsOracle.Expected;
import io.vigil.operators.metrics.MetricsOracle.Sample;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamingBinaryMetricsTest {

  private static final String MODEL = "lstm";

  private final RecordingMetrics metrics = new RecordingMetrics();
  private int maxDistinct = ModelMetricsState.DEFAULT_MAX_DISTINCT;

  /** The oracle's sliding case through the operator, once straight and once restored from a checkpoint midway. */
  @ParameterizedTest
  @ValueSource(ints = {-1, 1500})
  void slidingWindowAndCumulativeAgreeWithScikitLearn(int restoreAfter) throws Exception {
    List<Sample> samples = MetricsOracle.samples("sliding");
    var harness = open(null);
    List<MetricSnapshot> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (i == restoreAfter) {
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        out.addAll(harness.extractOutputValues());
        harness.close();
        harness = open(snapshot);
      }
      Sample s = samples.get(i);
      harness.processElement(scored(s.score(), s.label(), s.time()), s.time());
      harness.processWatermark(new Watermark(i * 10L + 9)); // later samples have times >= (i + 1) * 10
    }
    harness.processWatermark(new Watermark(Long.MAX_VALUE));
    out.addAll(harness.extractOutputValues());
    harness.close();

    Map<Long, Expected> windows = expectedByEnd("window");
    Map<Long, Expected> cumulative = expectedByEnd("cumulative");
    List<MetricSnapshot> windowOut = out.stream().filter(m -> m.getScope() == MetricScope.WINDOW).toList();
    List<MetricSnapshot> cumulativeOut = out.stream().filter(m -> m.getScope() == MetricScope.CUMULATIVE).toList();
    assertThat(windowOut.stream().map(this::end).toList())
        .as("a window every slide while it holds pairs, then one empty one")
        .isEqualTo(expectedEnds(windows));
    assertThat(cumulativeOut.stream().map(this::end).toList()).isEqualTo(expectedEnds(windows));
    MetricSnapshot lastWindow = windowOut.get(windowOut.size() - 1);
    assertThat(lastWindow.getPositives() + lastWindow.getNegatives()).isZero();
    assertThat(lastWindow.getRocAuc()).isNaN();
    for (MetricSnapshot m : windowOut.subList(0, windowOut.size() - 1)) {
      assertThat(m.getWindowStart()).isEqualTo(Instant.ofEpochMilli(end(m) - SLIDING_SIZE));
      assertAgrees(columns(m), windows.get(end(m)), "window " + end(m));
    }
    for (MetricSnapshot m : cumulativeOut) {
      assertThat(m.getWindowStart()).isNull();
      assertAgrees(columns(m), cumulative.get(end(m)), "cumulative " + end(m));
    }
  }

  @Test
  void aScoreTooLateForItsWindowCountsOnlyCumulatively() throws Exception {
    var harness = open(null);
    harness.processElement(scored(0.9f, true, 500), 500);
    harness.processWatermark(new Watermark(9_999));
    harness.processElement(scored(0.1f, false, 2_000), 2_000); // window [5000, 10000) has passed [0, 2000]
    harness.processWatermark(new Watermark(10_999));

    MetricSnapshot cumulative = last(harness.extractOutputValues(), MetricScope.CUMULATIVE);
    MetricSnapshot window = last(harness.extractOutputValues(), MetricScope.WINDOW);
    assertThat(end(cumulative)).isEqualTo(11_000);
    assertThat(cumulative.getNegatives()).isEqualTo(1);
    assertThat(cumulative.getRocAuc()).isEqualTo(1.0);
    assertThat(cumulative.getLateScores()).isEqualTo(1);
    assertThat(window.getPositives() + window.getNegatives()).isZero();
    harness.close();
  }

  @Test
  void gaugesShowTheLatestSnapshotPerModelAndScope() throws Exception {
    var harness = open(null);
    harness.processElement(scored(0.9f, true, 100), 100);
    harness.processElement(scored(0.6f, false, 200), 200);
    harness.processElement(scored(0.2f, false, 300), 300);
    harness.processWatermark(new Watermark(999));

    MetricSnapshot window = last(harness.extractOutputValues(), MetricScope.WINDOW);
    assertThat(gauge("window", "roc_auc")).isEqualTo(1.0);
    assertThat(gauge("window", "precision")).isEqualTo(window.getPrecision()).isEqualTo(0.5);
    assertThat(gauge("cumulative", "tp")).isEqualTo(1.0);
    assertThat(gauge("cumulative", "fp")).isEqualTo(1.0);
    assertThat(gauge("cumulative", "pr_auc")).isEqualTo(1.0);
    harness.close();
  }

  /**
   * Past its budget, the cumulative snapshot says it is not exact, carries intervals that hold the
   * exact values (the exact tree as oracle), keeps the confusion matrix exact, and the gauges show
   * the bounded size, also after a restore.
   */
  @Test
  void pastTheBudgetSnapshotsCarryIntervalsAndTheGaugesShowTheBoundedSize() throws Exception {
    maxDistinct = 200;
    var harness = open(null);
    ScoreLabelTree exact = new ScoreLabelTree();
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int i = 0; i < 20_000; i++) {
      boolean label = random.nextInt(4) == 0;
      float score = (float) (1 / (1 + Math.exp(-(random.nextGaussian() + (label ? 1 : 0)))));
      exact.add(score, label);
      harness.processElement(scored(score, label, i), i);
      if (i == 10_000) {
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = open(snapshot);
      }
    }
    harness.processWatermark(new Watermark(Long.MAX_VALUE));
    MetricSnapshot m = last(harness.extractOutputValues(), MetricScope.CUMULATIVE);
    harness.close();

    BinaryMetrics e = BinaryMetrics.of(exact, 0.5f, 2);
    assertThat(m.getExact()).isFalse();
    assertThat(m.getThresholdExact()).isTrue();
    assertThat(m.getDistinctScores()).isLessThanOrEqualTo(200);
    assertThat(e.rocAuc()).isBetween(m.getRocAucLower(), m.getRocAucUpper());
    assertThat(e.averagePrecision()).isBetween(m.getPrAucLower(), m.getPrAucUpper());
    assertThat(m.getTruePositives()).isEqualTo(e.truePositives());
    assertThat(m.getFalsePositives()).isEqualTo(e.falsePositives());
    assertThat(m.getF1()).isEqualTo(e.f1().value());
    assertThat(gauge("cumulative", "distinct_scores")).isEqualTo((double) m.getDistinctScores());
    assertThat(gauge("cumulative", "roc_auc_upper")).isEqualTo(m.getRocAucUpper());
    long bytes = metrics.<Gauge<Long>>get("model=" + MODEL + ".scope=cumulative.state_bytes").getValue();
    assertThat(bytes).isBetween(1_000L, 200L * 100);
  }

  @Test
  void refusesAWindowThatIsNotAWholeNumberOfSlides() {
    assertThatThrownBy(() -> new StreamingBinaryMetrics(Duration.ofSeconds(5), Duration.ofSeconds(2), ModelMetricsState.DEFAULT_MAX_DISTINCT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of the slide");
  }

  private KeyedOneInputStreamOperatorTestHarness<String, LabelledModelScore, MetricSnapshot> open(
      OperatorSubtaskState restored) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        metrics.operator(new StreamingBinaryMetrics(Duration.ofMillis(SLIDING_SIZE), Duration.ofMillis(SLIDING_SLIDE), maxDistinct)),
        (LabelledModelScore s) -> s.model, Types.STRING);
    h.setup();
    if (restored == null) {
      h.initializeEmptyState();
    } else {
      h.initializeState(restored);
    }
    h.open();
    return h;
  }

  private static LabelledModelScore scored(float score, boolean label, long time) {
    return new LabelledModelScore(MODEL, "v1", score, 0.5f, label, time);
  }

  private double gauge(String scope, String name) {
    Gauge<Double> g = metrics.get("model=" + MODEL + ".scope=" + scope + "." + name);
    return g.getValue();
  }

  private long end(MetricSnapshot m) {
    return m.getWindowEnd().toEpochMilli();
  }

  private static MetricSnapshot last(List<MetricSnapshot> out, MetricScope scope) {
    return out.stream().filter(m -> m.getScope() == scope).reduce((a, b) -> b).orElseThrow();
  }

  private static Map<Long, Expected> expectedByEnd(String scope) {
    return MetricsOracle.expected("sliding").stream()
        .filter(e -> e.get("scope").equals(scope))
        .collect(Collectors.toMap(Expected::windowEnd, Function.identity()));
  }

  /** Every non-empty window's end, in order, and the next slide, where the window is empty. */
  private static List<Long> expectedEnds(Map<Long, Expected> windows) {
    List<Long> ends = windows.keySet().stream().sorted().collect(Collectors.toCollection(ArrayList::new));
    ends.add(ends.get(ends.size() - 1) + SLIDING_SLIDE);
    return ends;
  }

  private static Map<String, Number> columns(MetricSnapshot m) {
    Map<String, Number> c = new LinkedHashMap<>();
    c.put("threshold", m.getThreshold());
    c.put("positives", m.getPositives());
    c.put("negatives", m.getNegatives());
    c.put("tp", m.getTruePositives());
    c.put("fp", m.getFalsePositives());
    c.put("tn", m.getTrueNegatives());
    c.put("fn", m.getFalseNegatives());
    c.put("precision", m.getPrecision());
    c.put("precision_zd", m.getPrecisionZeroDivision() ? 1 : 0);
    c.put("recall", m.getRecall());
    c.put("recall_zd", m.getRecallZeroDivision() ? 1 : 0);
    c.put("specificity", m.getSpecificity());
    c.put("specificity_zd", m.getSpecificityZeroDivision() ? 1 : 0);
    c.put("f1", m.getF1());
    c.put("f1_zd", m.getF1ZeroDivision() ? 1 : 0);
    c.put("accuracy", m.getAccuracy());
    c.put("accuracy_zd", m.getAccuracyZeroDivision() ? 1 : 0);
    c.put("roc_auc", m.getRocAuc());
    c.put("pr_auc", m.getPrAuc());
    c.put("distinct", m.getDistinctScores());
    return c;
  }
}
