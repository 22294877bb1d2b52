package io.vigil.operators.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.quality.LabelledModelScore;
import io.vigil.operators.quality.StreamingBinaryMetrics;
import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertCloseReason;
import io.vigil.schemas.AlertKind;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The regression test: two models score the same kind of stream; from 60 s to 120 s, 30 % of the
 * "affected" model's labels are flipped. Labelled scores go through the real windowed metrics
 * (20 s window, 2 s slide) into the alarm.
 */
class QualityAlarmTest {

  private static final long WINDOW = 20_000;
  private static final long SLIDE = 2_000;
  private static final long DEGRADE_FROM = 60_000;
  private static final long DEGRADE_UNTIL = 120_000;
  /** What a model scoring N(0.8, 0.15) on anomalies and N(0.2, 0.15) otherwise at threshold 0.5 shows. */
  private static final ValidationMetrics VALIDATION = new ValidationMetrics(0.92, 0.97, 0.94);

  /** One labelled score every 50 ms per model, 20 % anomalies. */
  private static List<LabelledModelScore> stream(String model, double flipShare, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LabelledModelScore> out = new ArrayList<>();
    for (long t = 0; t < 180_000; t += 50) {
      boolean anomaly = random.nextDouble() < 0.2;
      float score = (float) ((anomaly ? 0.8 : 0.2) + 0.15 * random.nextGaussian());
      boolean flipped = t >= DEGRADE_FROM && t < DEGRADE_UNTIL && random.nextDouble() < flipShare;
      out.add(new LabelledModelScore(model, "1", score, 0.5f, anomaly != flipped, t));
    }
    return out;
  }

  private static List<MetricSnapshot> windowedMetrics(List<LabelledModelScore> scores) throws Exception {
    try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, LabelledModelScore, MetricSnapshot>(
        new KeyedProcessOperator<>(new StreamingBinaryMetrics(Duration.ofMillis(WINDOW), Duration.ofMillis(SLIDE), 4096)),
        s -> s.model, Types.STRING)) {
      harness.open();
      for (LabelledModelScore s : scores) {
        harness.processElement(s, s.time);
        if (s.time % SLIDE == SLIDE - 50) {
          harness.processWatermark(new Watermark(s.time));
        }
      }
      harness.processWatermark(new Watermark(Long.MAX_VALUE));
      return harness.extractOutputValues();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MetricSnapshot, Alert> alarmHarness(QualityRules rules,
      OperatorSubtaskState restored) throws Exception {
    var harness = new KeyedOneInputStreamOperatorTestHarness<String, MetricSnapshot, Alert>(
        new KeyedProcessOperator<>(new QualityAlarm(rules)), MetricSnapshot::getModel, Types.STRING);
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }

  private static List<Alert> alarm(QualityRules rules, List<MetricSnapshot> snapshots) throws Exception {
    try (var harness = alarmHarness(rules, null)) {
      for (MetricSnapshot s : snapshots) {
        harness.processElement(s, s.getWindowEnd().toEpochMilli() - 1);
      }
      return harness.extractOutputValues();
    }
  }

  private static QualityRules rules() {
    return new QualityRules(Map.of("affected@1", VALIDATION, "unaffected@1", VALIDATION), 0.1, 200, 0.95, Duration.ofSeconds(10));
  }

  @Test
  void flippedLabelsRaiseAQualityAlertWithinTheWindowAndItClearsAfterwards() throws Exception {
    List<LabelledModelScore> scores = new ArrayList<>(stream("affected", 0.3, 1));
    scores.addAll(stream("unaffected", 0.0, 2));
    scores.sort((a, b) -> Long.compare(a.time, b.time));

    List<Alert> alerts = alarm(rules(), windowedMetrics(scores));

    assertThat(alerts).extracting(Alert::getModel).containsOnly("affected");
    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.CLOSED);
    Alert opened = alerts.get(0);
    assertThat(opened.getKind()).isEqualTo(AlertKind.QUALITY);
    assertThat(opened.getEntityId()).isEqualTo("affected");
    assertThat(opened.getOpenedAt().toEpochMilli()).isGreaterThan(DEGRADE_FROM).isLessThanOrEqualTo(DEGRADE_FROM + WINDOW);
    assertThat(opened.getMetric()).isEqualTo("recall");
    assertThat(opened.getObservedUpper()).isLessThan(VALIDATION.recall() - 0.1);
    assertThat(opened.getObserved()).isLessThan(opened.getObservedUpper());
    assertThat(opened.getExpected()).isEqualTo(VALIDATION.recall());
    assertThat(opened.getLabels()).isGreaterThanOrEqualTo(200);
    Alert closed = alerts.get(1);
    assertThat(closed.getAlertId()).isEqualTo(opened.getAlertId());
    assertThat(closed.getCloseReason()).isEqualTo(AlertCloseReason.RECOVERED);
    assertThat(closed.getClosedAt().toEpochMilli()).isGreaterThan(DEGRADE_UNTIL)
        .isLessThanOrEqualTo(DEGRADE_UNTIL + WINDOW + SLIDE);
    assertThat(closed.getObservedUpper()).isGreaterThanOrEqualTo(VALIDATION.recall() - 0.05);
  }

  /** The open alarm is keyed state: a restore in the middle of the degradation closes the same alert once. */
  @Test
  void anOpenAlarmSurvivesARestore() throws Exception {
    List<MetricSnapshot> snapshots = windowedMetrics(stream("affected", 0.3, 1));
    int middle = snapshots.size() / 2; // 90 s: the alarm is open
    List<Alert> out = new ArrayList<>();
    OperatorSubtaskState state;
    try (var first = alarmHarness(rules(), null)) {
      for (MetricSnapshot s : snapshots.subList(0, middle)) {
        first.processElement(s, s.getWindowEnd().toEpochMilli() - 1);
      }
      out.addAll(first.extractOutputValues());
      state = first.snapshot(1, 1);
    }
    try (var second = alarmHarness(rules(), state)) {
      for (MetricSnapshot s : snapshots.subList(middle, snapshots.size())) {
        second.processElement(s, s.getWindowEnd().toEpochMilli() - 1);
      }
      out.addAll(second.extractOutputValues());
    }

    assertThat(out).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.CLOSED);
    assertThat(out).extracting(Alert::getAlertId).containsOnly(out.get(0).getAlertId());
  }

  @Test
  void tooFewLabelsAModelWithoutValidationMetricsOrTheGraceRaiseNothing() throws Exception {
    List<MetricSnapshot> snapshots = windowedMetrics(stream("affected", 0.3, 1));

    assertThat(alarm(new QualityRules(Map.of("affected@1", VALIDATION), 0.1, 200, 0.95, Duration.ZERO), snapshots))
        .as("the same rules with enough labels").isNotEmpty();
    assertThat(alarm(new QualityRules(Map.of("affected@1", VALIDATION), 0.1, 10_000, 0.95, Duration.ZERO), snapshots)).isEmpty();
    assertThat(alarm(new QualityRules(Map.of("other@1", VALIDATION), 0.1, 200, 0.95, Duration.ZERO), snapshots)).isEmpty();
    assertThat(alarm(new QualityRules(Map.of("affected@2", VALIDATION), 0.1, 200, 0.95, Duration.ZERO), snapshots))
        .as("another version's validation metrics do not judge version 1").isEmpty();
    // The first window ends at 2 s, so nothing is judged before 143 s; no window ending after 140 s holds a flipped label.
    assertThat(alarm(new QualityRules(Map.of("affected@1", VALIDATION), 0.1, 200, 0.95, Duration.ofSeconds(141)), snapshots))
        .as("judged only after the grace").isEmpty();
  }
}
