package io.vigil.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The serialized form: format 2 round trips, format 1 (before the budget) still restores. */
class ModelMetricsStateTest {

  /**
   * metrics-state/model-metrics-state-v1.bin was written by format-1 code (commit 5ac2246) from the
   * sequence below: see GenV1.java.txt beside it.
   */
  private static ModelMetricsState sameSequence(int maxDistinct) {
    ModelMetricsState s = new ModelMetricsState(10_000, 1_000, maxDistinct);
    for (int i = 0; i < 3000; i++) {
      if (i % 100 == 0) {
        s.window().advanceTo(i * 10L);
      }
      s.add(i * 10L, ((i * 37) % 101) / 101f, i % 3 == 0, 0.5f, "v1");
    }
    return s;
  }

  @Test
  void restoresFormatOne() throws IOException {
    ModelMetricsState restored;
    try (InputStream in = getClass().getResourceAsStream("/metrics-state/model-metrics-state-v1.bin")) {
      restored = ModelMetricsState.readFrom(new DataInputStream(in));
    }
    ModelMetricsState expected = sameSequence(ModelMetricsState.DEFAULT_MAX_DISTINCT);

    assertThat(restored.cumulative().entries()).isEqualTo(101);
    ModelMetricsState rewritten = roundTrip(restored);
    assertSame(restored, expected);
    assertSame(rewritten, expected);
  }

  @Test
  void aSmallerBudgetAppliesOnRestore() throws IOException {
    ModelMetricsState restored = roundTrip(sameSequence(ModelMetricsState.DEFAULT_MAX_DISTINCT));
    ScoreLabelTree exact = new ScoreLabelTree();
    for (int i = 0; i < 3000; i++) {
      exact.add(((i * 37) % 101) / 101f, i % 3 == 0);
    }

    restored.reconfigure(10_000, 1_000, BoundedScoreLabels.MIN_ENTRIES);

    BinaryMetrics m = BinaryMetrics.of(restored.cumulative(), 0.5f, 10);
    BinaryMetrics e = BinaryMetrics.of(exact, 0.5f, 10);
    assertThat(restored.cumulative().entries()).isLessThanOrEqualTo(BoundedScoreLabels.MIN_ENTRIES);
    assertThat(m.exact()).isFalse();
    assertThat(e.rocAuc()).isBetween(m.rocAucLower(), m.rocAucUpper());
    assertThat(e.averagePrecision()).isBetween(m.averagePrecisionLower(), m.averagePrecisionUpper());
    assertThat(m.truePositives()).isEqualTo(e.truePositives());
    assertThat(m.falsePositives()).isEqualTo(e.falsePositives());
  }

  private static void assertSame(ModelMetricsState actual, ModelMetricsState expected) {
    assertThat(BinaryMetrics.of(actual.cumulative(), 0.5f, 200)).isEqualTo(BinaryMetrics.of(expected.cumulative(), 0.5f, 200));
    assertThat(BinaryMetrics.of(actual.window().tree(), 0.5f, 200))
        .isEqualTo(BinaryMetrics.of(expected.window().tree(), 0.5f, 200));
    assertThat(actual.window().start()).isEqualTo(expected.window().start());
    assertThat(actual.threshold()).isEqualTo(expected.threshold());
    assertThat(actual.version()).isEqualTo(expected.version());
    assertThat(actual.lateScores()).isEqualTo(expected.lateScores());
    // The window's expiry buckets came along: moving it on empties it.
    actual.window().advanceTo(60_000);
    assertThat(actual.window().tree().isEmpty()).isTrue();
  }

  private static ModelMetricsState roundTrip(ModelMetricsState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    state.writeTo(new DataOutputStream(bytes));
    return ModelMetricsState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }
}
