package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.FeedbackIssueReason;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FeedbackJoinByEntityTest {

  private static final Duration TTL = Duration.ofSeconds(10);

  @Test
  void joinsEitherWayRoundAndReportsLikeTheEventIdJoin() throws Exception {
    try (JoinRun run = JoinRun.byEntity(TTL, 100)) {
      run.label(label("e1", "a", true, 5_000));
      run.score(score("e1", "a", 1_000));
      run.score(score("e2", "a", 2_000));
      run.label(label("e2", "a", false, 9_000));
      run.label(label("e2", "a", true, 9_500));
      run.score(score("e2", "a", 2_000));
      run.label(label("e3", "a", true, 30_000)); // its event came more than a TTL earlier
      run.score(score("e3", "a", 3_000));
      run.watermark(Long.MAX_VALUE);

      assertThat(run.labelled()).containsExactlyInAnyOrder(
          labelled("e1", "a", 1_000, true, 5_000), labelled("e2", "a", 2_000, false, 9_000));
      assertThat(run.issues()).containsExactlyInAnyOrder(
          new FeedbackIssue(label("e2", "a", true, 9_500), FeedbackIssueReason.DUPLICATE),
          new FeedbackIssue(label("e3", "a", true, 30_000), FeedbackIssueReason.EXPIRED));
      assertThat(run.counts()).isEqualTo(Map.of("matched", 2L, "unmatched", 0L, "expired", 1L,
          "duplicateLabels", 1L, "duplicateScores", 1L, "unlabelled", 1L));
    }
  }

  @Test
  void oneEntityTakesTwoTimersPerBucketAndLeavesNothingBehind() throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(new FeedbackJoinByEntity(TTL), Score::getEntityId,
        Feedback::getEntityId, Types.STRING);
    try (h) {
      h.setup();
      h.open();
      // 1000 events of one entity within one quarter TTL: one bucket.
      for (int i = 0; i < 1_000; i++) {
        h.processElement1(score("e" + i, "a", 1 + i), 1 + i);
      }
      assertThat(h.numEventTimeTimers()).isEqualTo(2);
      h.processBothWatermarks(new Watermark(1_000 + TTL.toMillis() * 3));
      assertThat(h.numEventTimeTimers()).isZero();
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void waitsEndOnTheBucketTimerAndRepeatsAreRecognisedUntilForgotten() throws Exception {
    try (JoinRun run = JoinRun.byEntity(TTL, 100)) {
      run.score(score("e1", "a", 1_000));
      run.watermark(1_000 + TTL.toMillis() + TTL.toMillis() / 4);
      assertThat(run.counts()).containsEntry("unlabelled", 1L);
      run.score(score("e1", "a", 1_000));
      assertThat(run.counts()).containsEntry("duplicateScores", 1L);
      run.watermark(1_000 + 2 * TTL.toMillis()); // forgotten now: the same eventId is a new event
      run.score(score("e1", "a", 1_000));
      assertThat(run.counts()).containsEntry("duplicateScores", 1L);
      assertThat(run.<Gauge<Long>>metric("heldEventIds").getValue()).isEqualTo(1L);
    }
  }

  @Test
  void snapshotAndRestoreMidStreamKeepWaitingScoresAndLabels() throws Exception {
    try (JoinRun run = JoinRun.byEntity(TTL, 100)) {
      run.score(score("e1", "a", 1_000));
      run.label(label("e2", "b", true, 2_000));
      run.score(score("e3", "a", 1_500));
      run.label(label("e3", "a", true, 3_000));
      run.watermark(2_000);
      run.restart();
      assertThat(run.<Gauge<Long>>metric("heldEventIds").getValue()).isEqualTo(3L);
      run.label(label("e1", "a", false, 4_000));
      run.score(score("e2", "b", 500));
      run.label(label("e3", "a", false, 3_100));
      run.watermark(Long.MAX_VALUE);

      assertThat(run.labelled()).containsExactlyInAnyOrder(labelled("e1", "a", 1_000, false, 4_000),
          labelled("e2", "b", 500, true, 2_000), labelled("e3", "a", 1_500, true, 3_000));
      assertThat(run.issues()).containsExactly(
          new FeedbackIssue(label("e3", "a", false, 3_100), FeedbackIssueReason.DUPLICATE));
      assertThat(run.<Gauge<Long>>metric("heldEventIds").getValue()).isZero();
    }
  }

  @Test
  void anEntityHoldsAtMostItsLimitAndEvictionsAreCountedAndReported() throws Exception {
    try (JoinRun run = JoinRun.byEntity(TTL, 3)) {
      run.label(label("l1", "a", true, 1_000)); // in the oldest bucket: evicted first
      for (int i = 0; i < 4; i++) {
        run.score(score("e" + i, "a", 5_000 + i));
      }
      run.score(score("other", "b", 2_000)); // another entity has its own limit

      assertThat(run.<Counter>metric("evicted").getCount()).isEqualTo(2);
      assertThat(run.<Gauge<Long>>metric("heldEventIds").getValue()).isEqualTo(4L);
      assertThat(run.<Gauge<Integer>>metric("maxEventIdsPerEntity").getValue()).isEqualTo(3);
      assertThat(run.issues()).containsExactly(
          new FeedbackIssue(label("l1", "a", true, 1_000), FeedbackIssueReason.UNMATCHED));
      assertThat(run.counts()).containsEntry("unmatched", 1L).containsEntry("unlabelled", 1L);

      run.label(label("e3", "a", true, 5_500)); // the newest is kept
      assertThat(run.labelled()).containsExactly(labelled("e3", "a", 5_003, true, 5_500));
    }
  }

  private static Score score(String eventId, String entity, long time) {
    return new Score(eventId, entity, Instant.ofEpochMilli(time), scores(), null);
  }

  private static Feedback label(String eventId, String entity, boolean label, long time) {
    return new Feedback(eventId, label, Instant.ofEpochMilli(time), entity);
  }

  private static List<ModelScore> scores() {
    return List.of(new ModelScore("lstm", "1", 0.75f, 0.5f, ModelRole.CHAMPION, null));
  }

  private static LabelledScore labelled(String eventId, String entity, long eventTime, boolean label, long labelTime) {
    return new LabelledScore(eventId, entity, Instant.ofEpochMilli(eventTime), Instant.ofEpochMilli(labelTime), label,
        scores());
  }
}
