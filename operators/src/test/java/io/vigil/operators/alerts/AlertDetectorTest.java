package io.vigil.operators.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.operators.alerts.AlertRules.Combination;
import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertCloseReason;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.ModelPeak;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AlertDetectorTest {

  private static final float LSTM_THRESHOLD = 0.7f;

  /** A score with the given models' scores at event time {@code second} s. */
  private static Score score(String entity, int second, ModelScore... scores) {
    return new Score(entity + "#" + second, entity, Instant.ofEpochSecond(second), List.of(scores), null);
  }

  private static ModelScore m(String model, Float score) {
    return new ModelScore(model, "1", score, LSTM_THRESHOLD, ModelRole.CHAMPION, null);
  }

  private static ModelScore lstm(Float score) {
    return m("lstm", score);
  }

  private static class Run implements AutoCloseable {
    final AlertDetector detector;
    final KeyedOneInputStreamOperatorTestHarness<String, Score, Alert> harness;
    private int taken;

    Run(AlertRules rules) throws Exception {
      detector = new AlertDetector(rules);
      harness = new KeyedOneInputStreamOperatorTestHarness<>(
          new KeyedProcessOperator<>(detector), Score::getEntityId, Types.STRING);
    }

    Run open() throws Exception {
      harness.open();
      return this;
    }

    /** Feeds the scores and returns the alerts they caused. */
    List<Alert> feed(Score... scores) throws Exception {
      for (Score s : scores) {
        harness.processElement(s, s.getEventTime().toEpochMilli());
      }
      List<Alert> all = harness.extractOutputValues();
      List<Alert> fresh = all.subList(taken, all.size());
      taken = all.size();
      return fresh;
    }

    @Override
    public void close() throws Exception {
      harness.close();
    }
  }

  private static Run run(AlertRules rules) throws Exception {
    return new Run(rules).open();
  }

  @Test
  void opensWhenAScoreCrossesItsThreshold() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      assertThat(r.feed(score("a", 1, lstm(0.5f)), score("a", 2, lstm(0.69f)))).isEmpty();
      List<Alert> opened = r.feed(score("a", 3, lstm(0.7f)));
      assertThat(opened).hasSize(1);
      Alert alert = opened.get(0);
      assertThat(alert.getStatus()).isEqualTo(AlertStatus.OPEN);
      assertThat(alert.getAlertId()).isEqualTo("a@3000");
      assertThat(alert.getEntityId()).isEqualTo("a");
      assertThat(alert.getOpenedAt()).isEqualTo(Instant.ofEpochSecond(3));
      assertThat(alert.getClosedAt()).isNull();
      assertThat(alert.getOpeningEventId()).isEqualTo("a#3");
      assertThat(alert.getFiredModels()).containsExactly("lstm");
      assertThat(alert.getPeakScores()).containsExactly(new ModelPeak("lstm", 0.7f, LSTM_THRESHOLD));
      assertThat(alert.getEventIds()).containsExactly("a#3");
      assertThat(alert.getEvents()).isEqualTo(1);
      assertThat(r.detector.openAlerts()).isEqualTo(1);
    }
  }

  @Test
  void everyScoreLeavesWithTheAlertDecisionAsAPseudoModel() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      r.feed(score("a", 1, lstm(0.5f)), score("a", 2, lstm(0.9f)), score("a", 3, lstm(0.65f)),
          score("a", 4, lstm(0.1f)), score("b", 5, lstm(null)));
      List<Score> decided = r.harness.getSideOutput(AlertDetector.DECISIONS).stream()
          .map(org.apache.flink.streaming.runtime.streamrecord.StreamRecord::getValue).toList();
      assertThat(decided).extracting(Score::getEventId).containsExactly("a#1", "a#2", "a#3", "a#4", "b#5");
      assertThat(decided).allSatisfy(s -> {
        ModelScore last = s.getScores().get(s.getScores().size() - 1);
        assertThat(last.getModel()).isEqualTo(AlertDetector.DECISION_MODEL);
        assertThat(last.getThreshold()).isEqualTo(1f);
        assertThat(s.getScores().get(0).getModel()).isEqualTo("lstm");
      });
      // closed, open (crossed), still open (above 0.8 x threshold), closed (below), no alert
      assertThat(decided).extracting(s -> s.getScores().get(1).getScore()).containsExactly(0f, 1f, 1f, 0f, 0f);
    }
  }

  @Test
  void staysOpenBetweenTheThresholdsAndClosesBelowTheLowerOneWithTheWholeStory() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      assertThat(r.feed(score("a", 1, lstm(0.9f)))).hasSize(1);
      // Lower threshold 0.8 * 0.7 = 0.56: anything from there up keeps the alert open, without new records.
      assertThat(r.feed(score("a", 2, lstm(0.6f)), score("a", 3, lstm(0.95f)), score("a", 4, lstm(0.57f)))).isEmpty();
      List<Alert> closed = r.feed(score("a", 5, lstm(0.55f)));
      assertThat(closed).hasSize(1);
      Alert alert = closed.get(0);
      assertThat(alert.getStatus()).isEqualTo(AlertStatus.CLOSED);
      assertThat(alert.getAlertId()).isEqualTo("a@1000");
      assertThat(alert.getOpenedAt()).isEqualTo(Instant.ofEpochSecond(1));
      assertThat(alert.getClosedAt()).isEqualTo(Instant.ofEpochSecond(5));
      assertThat(alert.getOpeningEventId()).isEqualTo("a#1");
      assertThat(alert.getFiredModels()).containsExactly("lstm");
      assertThat(alert.getPeakScores()).containsExactly(new ModelPeak("lstm", 0.95f, LSTM_THRESHOLD));
      assertThat(alert.getEventIds()).containsExactly("a#1", "a#2", "a#3", "a#4", "a#5");
      assertThat(alert.getEvents()).isEqualTo(5);
      assertThat(r.detector.openAlerts()).isZero();
    }
  }

  @Test
  void closesOnlyWhenEveryModelThatFiredIsBelowItsLowerThreshold() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      assertThat(r.feed(score("a", 1, lstm(0.8f), m("cnn", 0.3f), m("ae", 0.1f)))).hasSize(1);
      assertThat(r.feed(
          score("a", 2, lstm(0.5f), m("cnn", 0.75f), m("ae", 0.6f)),
          score("a", 3, lstm(0.2f), m("cnn", 0.6f), m("ae", 0.65f)))).as("cnn fired and is still high").isEmpty();
      // ae never fired, so its 0.65 (above its lower threshold) does not hold the alert open.
      List<Alert> closed = r.feed(score("a", 4, lstm(0.2f), m("cnn", 0.5f), m("ae", 0.65f)));
      assertThat(closed).hasSize(1);
      assertThat(closed.get(0).getFiredModels()).containsExactly("lstm", "cnn");
      assertThat(closed.get(0).getPeakScores()).containsExactly(
          new ModelPeak("lstm", 0.8f, LSTM_THRESHOLD), new ModelPeak("cnn", 0.75f, LSTM_THRESHOLD),
          new ModelPeak("ae", 0.65f, LSTM_THRESHOLD));
    }
  }

  @Test
  void cooldownSuppressesAReopenInsideTheWindowAndAllowsOneAfter() throws Exception {
    try (Run r = run(AlertRules.defaults().withCooldown(Duration.ofSeconds(30)))) {
      r.feed(score("a", 1, lstm(0.9f)));
      assertThat(r.feed(score("a", 10, lstm(0.1f)))).extracting(Alert::getStatus).containsExactly(AlertStatus.CLOSED);
      assertThat(r.feed(score("a", 11, lstm(0.9f)), score("a", 39, lstm(0.99f)))).as("closed at 10 s: quiet until 40 s").isEmpty();
      List<Alert> reopened = r.feed(score("a", 40, lstm(0.8f)));
      assertThat(reopened).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN);
      assertThat(reopened.get(0).getAlertId()).isEqualTo("a@40000");
      assertThat(reopened.get(0).getEventIds()).as("suppressed events belong to no alert").containsExactly("a#40");
    }
  }

  @Test
  void oneOpenAlertPerEntityAndEntitiesAreIndependent() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      List<Alert> out = r.feed(
          score("a", 1, lstm(0.9f)),
          score("a", 2, lstm(0.95f)),
          score("b", 3, lstm(0.8f)),
          score("a", 4, lstm(0.99f)),
          score("b", 5, lstm(0.1f)),
          score("a", 6, lstm(0.2f)));
      assertThat(out).extracting(Alert::getAlertId, Alert::getStatus).containsExactly(
          tuple("a@1000", AlertStatus.OPEN),
          tuple("b@3000", AlertStatus.OPEN),
          tuple("b@3000", AlertStatus.CLOSED),
          tuple("a@1000", AlertStatus.CLOSED));
      assertThat(out.get(2).getEventIds()).containsExactly("b#3", "b#5");
      assertThat(out.get(3).getEventIds()).containsExactly("a#1", "a#2", "a#4", "a#6");
      assertThat(r.detector.openAlerts()).isZero();
    }
  }

  @Test
  void allNeedsEveryScoringModelToFire() throws Exception {
    try (Run r = run(AlertRules.defaults().withCombination(Combination.ALL))) {
      assertThat(r.feed(score("a", 1, lstm(0.9f), m("cnn", 0.5f)))).isEmpty();
      List<Alert> opened = r.feed(score("a", 2, lstm(0.9f), m("cnn", 0.8f)));
      assertThat(opened).hasSize(1);
      assertThat(opened.get(0).getFiredModels()).containsExactly("lstm", "cnn");
    }
  }

  @Test
  void atLeastKNeedsKModelsToFire() throws Exception {
    try (Run r = run(AlertRules.defaults().withCombination(Combination.atLeast(2)))) {
      assertThat(r.feed(score("a", 1, lstm(0.9f), m("cnn", 0.5f), m("ae", 0.1f)))).isEmpty();
      List<Alert> opened = r.feed(score("a", 2, lstm(0.5f), m("cnn", 0.8f), m("ae", 0.9f)));
      assertThat(opened).hasSize(1);
      assertThat(opened.get(0).getFiredModels()).containsExactly("cnn", "ae");
    }
    assertThat(Combination.atLeast(2)).hasToString("AT_LEAST(2)");
    assertThatThrownBy(() -> Combination.atLeast(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thresholdOverrideAndModelSelectionReplaceWhatTheScoreCarries() throws Exception {
    AlertRules rules = AlertRules.defaults().withThreshold("lstm", 0.9f).withModels(Set.of("lstm"));
    try (Run r = run(rules)) {
      assertThat(r.feed(score("a", 1, lstm(0.85f), m("cnn", 0.99f)))).as("0.85 < 0.9; cnn not considered").isEmpty();
      List<Alert> opened = r.feed(score("a", 2, lstm(0.92f), m("cnn", 0.99f)));
      assertThat(opened).hasSize(1);
      assertThat(opened.get(0).getFiredModels()).containsExactly("lstm");
      assertThat(opened.get(0).getPeakScores()).containsExactly(new ModelPeak("lstm", 0.92f, 0.9f));
      // Lower threshold 0.8 * 0.9 = 0.72, not 0.8 * 0.7 = 0.56.
      assertThat(r.feed(score("a", 3, lstm(0.75f)))).isEmpty();
      assertThat(r.feed(score("a", 4, lstm(0.7f)))).extracting(Alert::getStatus).containsExactly(AlertStatus.CLOSED);
    }
  }

  @Test
  void nullScoresAreIgnoredNeitherOpeningNorClosing() throws Exception {
    try (Run r = run(AlertRules.defaults().withCombination(Combination.ALL))) {
      assertThat(r.feed(score("a", 1, lstm(null), m("cnn", null)))).isEmpty();
      // cnn cannot score yet: ALL is judged over the models that did.
      List<Alert> opened = r.feed(score("a", 2, lstm(0.9f), m("cnn", null)));
      assertThat(opened).hasSize(1);
      assertThat(opened.get(0).getPeakScores()).extracting(ModelPeak::getModel).containsExactly("lstm");
      assertThat(r.feed(score("a", 3, lstm(null), m("cnn", 0.1f)))).as("lstm fired; its null is not low").isEmpty();
      Alert closed = r.feed(score("a", 4, lstm(0.1f), m("cnn", 0.1f))).get(0);
      assertThat(closed.getStatus()).isEqualTo(AlertStatus.CLOSED);
      assertThat(closed.getEventIds()).containsExactly("a#2", "a#3", "a#4");
    }
  }

  @Test
  void eventIdsAreCappedButCounted() throws Exception {
    try (Run r = run(AlertRules.defaults().withMaxEventIds(3))) {
      List<Alert> out = r.feed(
          score("a", 1, lstm(0.9f)), score("a", 2, lstm(0.9f)), score("a", 3, lstm(0.9f)),
          score("a", 4, lstm(0.9f)), score("a", 5, lstm(0.1f)));
      Alert closed = out.get(1);
      assertThat(closed.getEventIds()).containsExactly("a#1", "a#2", "a#3");
      assertThat(closed.getEvents()).isEqualTo(5);
    }
  }

  @Test
  void openAlertCooldownAndGaugeSurviveSnapshotAndRestore() throws Exception {
    AlertRules rules = AlertRules.defaults();
    OperatorSubtaskState snapshot;
    try (Run r = run(rules)) {
      r.feed(score("a", 1, lstm(0.9f)), score("a", 2, lstm(0.97f)), score("b", 2, lstm(0.8f)), score("b", 3, lstm(0.1f)));
      snapshot = r.harness.snapshot(1, 1);
    }
    try (Run restored = new Run(rules)) {
      restored.harness.setup();
      restored.harness.initializeState(snapshot);
      restored.harness.open();
      assertThat(restored.detector.openAlerts()).isEqualTo(1);
      assertThat(restored.feed(score("b", 10, lstm(0.9f)))).as("b's cooldown was restored").isEmpty();
      List<Alert> closed = restored.feed(score("a", 4, lstm(0.6f)), score("a", 5, lstm(0.3f)));
      assertThat(closed).hasSize(1);
      Alert alert = closed.get(0);
      assertThat(alert.getStatus()).isEqualTo(AlertStatus.CLOSED);
      assertThat(alert.getAlertId()).isEqualTo("a@1000");
      assertThat(alert.getPeakScores()).containsExactly(new ModelPeak("lstm", 0.97f, LSTM_THRESHOLD));
      assertThat(alert.getEventIds()).containsExactly("a#1", "a#2", "a#4", "a#5");
      assertThat(alert.getEvents()).isEqualTo(4);
      assertThat(restored.detector.openAlerts()).isZero();
    }
  }

  @Test
  void anAlertOfAnEntityThatFallsSilentClosesAsInactiveAndItsStateEnds() throws Exception {
    try (Run r = run(AlertRules.defaults().withInactiveAfter(Duration.ofSeconds(60)).withCooldown(Duration.ofSeconds(30)))) {
      assertThat(r.feed(score("silent", 1, lstm(0.9f)), score("talker", 1, lstm(0.9f)))).hasSize(2);
      assertThat(r.feed(score("silent", 20, lstm(0.8f)))).isEmpty();
      for (int t = 30; t <= 100; t += 10) {
        r.feed(score("talker", t, lstm(0.75f)));
      }
      r.harness.processWatermark(79_000);
      assertThat(r.feed()).as("60 s after silent's last score is 80 s").isEmpty();
      r.harness.processWatermark(80_000);
      List<Alert> closed = r.feed();
      assertThat(closed).extracting(Alert::getEntityId, Alert::getStatus, Alert::getCloseReason, Alert::getClosedAt)
          .containsExactly(tuple("silent", AlertStatus.CLOSED, AlertCloseReason.INACTIVE, Instant.ofEpochSecond(80)));
      assertThat(r.detector.openAlerts()).as("talker's stays open").isEqualTo(1);
      r.harness.processWatermark(159_000);
      assertThat(r.harness.numKeyedStateEntries())
          .as("silent's cooldown (to 110 s) is kept one inactivity time longer, for late scores; talker's alert state")
          .isEqualTo(3);
      assertThat(r.feed(score("silent", 105, lstm(0.9f)))).as("a score behind the watermark still meets the cooldown")
          .isEmpty();
      r.harness.processWatermark(171_000);
      assertThat(r.feed()).extracting(Alert::getEntityId, Alert::getCloseReason)
          .containsExactly(tuple("talker", AlertCloseReason.INACTIVE));
      assertThat(r.harness.numKeyedStateEntries()).as("silent's cooldown gone; talker's cooldown left").isEqualTo(1);
      assertThat(r.harness.numEventTimeTimers()).as("talker's cooldown cleanup only").isEqualTo(1);
    }
  }

  /** A challenger is judged, not trusted: even where any one firing model would open an alert. */
  @Test
  void aChallengerNeverOpensExtendsOrPeaksAnAlert() throws Exception {
    ModelScore[] challengerHigh = {new ModelScore("gru", "2", 0.99f, LSTM_THRESHOLD, ModelRole.CHALLENGER, "lstm")};
    try (Run r = run(AlertRules.defaults())) {
      assertThat(r.feed(score("a", 1, challengerHigh), score("a", 2, lstm(0.1f), challengerHigh[0]))).isEmpty();
      assertThat(r.detector.openAlerts()).isZero();

      List<Alert> opened = r.feed(score("a", 3, lstm(0.9f), challengerHigh[0]));
      assertThat(opened).singleElement().satisfies(a -> {
        assertThat(a.getFiredModels()).containsExactly("lstm");
        assertThat(a.getPeakScores()).extracting(ModelPeak::getModel).containsExactly("lstm");
      });
      // The champion recovers: the challenger's high scores do not hold the alert open.
      List<Alert> closed = r.feed(score("a", 4, lstm(0.1f), challengerHigh[0]));
      assertThat(closed).singleElement().satisfies(a -> {
        assertThat(a.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(a.getFiredModels()).containsExactly("lstm");
        assertThat(a.getPeakScores()).extracting(ModelPeak::getModel).containsExactly("lstm");
      });
      List<Score> decided = r.harness.getSideOutput(AlertDetector.DECISIONS).stream()
          .map(org.apache.flink.streaming.runtime.streamrecord.StreamRecord::getValue).toList();
      assertThat(decided).extracting(d -> d.getScores().get(d.getScores().size() - 1).getScore())
          .containsExactly(0f, 0f, 1f, 0f);
    }
  }

  @Test
  void aRecoveredCloseSaysSo() throws Exception {
    try (Run r = run(AlertRules.defaults())) {
      r.feed(score("a", 1, lstm(0.9f)));
      assertThat(r.feed(score("a", 2, lstm(0.1f)))).extracting(Alert::getCloseReason).containsExactly(AlertCloseReason.RECOVERED);
    }
  }

  @Test
  void rulesRejectNonsense() {
    assertThatThrownBy(() -> AlertRules.defaults().withHysteresis(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRules.defaults().withHysteresis(1.2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRules.defaults().withCooldown(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRules.defaults().withMaxEventIds(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRules.defaults().withInactiveAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
