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
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeedbackJoinTest {

  private static final Duration TTL = Duration.ofSeconds(10);
  private static final List<String> COUNTERS =
      List.of("matched", "unmatched", "expired", "duplicateLabels", "duplicateScores", "unlabelled");

  private RecordingMetrics metrics;
  private KeyedTwoInputStreamOperatorTestHarness<String, Score, Feedback, LabelledScore> harness;

  @BeforeEach
  void start() throws Exception {
    metrics = new RecordingMetrics();
    harness = open(null);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void labelBeforeScore() throws Exception {
    label("e1", true, 5_000);
    score("e1", 1_000);

    assertThat(harness.extractOutputValues()).containsExactly(labelled("e1", 1_000, true, 5_000));
    assertCounts(Map.of("matched", 1L));
    assertThat(issues()).isEmpty();
  }

  @Test
  void scoreBeforeLabel() throws Exception {
    score("e1", 1_000);
    watermark(8_000);
    label("e1", false, 9_000);

    assertThat(harness.extractOutputValues()).containsExactly(labelled("e1", 1_000, false, 9_000));
    assertCounts(Map.of("matched", 1L));
  }

  @Test
  void duplicatesAreCountedOnceAndTheFirstLabelWins() throws Exception {
    score("e1", 1_000);
    label("e1", true, 2_000);
    label("e1", false, 3_000);
    score("e1", 1_000);

    assertThat(harness.extractOutputValues()).containsExactly(labelled("e1", 1_000, true, 2_000));
    assertCounts(Map.of("matched", 1L, "duplicateLabels", 1L, "duplicateScores", 1L));
    assertThat(issues()).containsExactly(issue("e1", false, 3_000, FeedbackIssueReason.DUPLICATE));
  }

  @Test
  void labelAfterTheScoresTtlIsExpired() throws Exception {
    score("e1", 1_000);
    watermark(11_000); // the score's wait is over
    label("e1", true, 12_000);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertCounts(Map.of("unlabelled", 1L, "expired", 1L));
    assertThat(issues()).containsExactly(issue("e1", true, 12_000, FeedbackIssueReason.EXPIRED));
  }

  @Test
  void labelTooLateIsExpiredEvenBeforeTheWatermarkSaysSo() throws Exception {
    score("e1", 1_000);
    label("e1", true, 11_001);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertCounts(Map.of("expired", 1L));
    watermark(30_000);
    assertCounts(Map.of("expired", 1L, "unlabelled", 1L));
  }

  @Test
  void labelForAnUnknownEventIsUnmatchedAfterItsTtl() throws Exception {
    label("nobody", true, 1_000);
    watermark(10_999);
    assertThat(issues()).isEmpty();

    watermark(11_000);

    assertCounts(Map.of("unmatched", 1L));
    assertThat(issues()).containsExactly(issue("nobody", true, 1_000, FeedbackIssueReason.UNMATCHED));
  }

  @Test
  void everythingIsForgottenTwoTtlsAfterTheLastSide() throws Exception {
    score("e1", 1_000);
    label("e1", true, 4_000);
    score("e2", 1_000);
    label("e3", true, 1_000);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

    watermark(24_000);

    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void waitingSidesSurviveCheckpointAndRestore() throws Exception {
    score("e1", 1_000);
    label("e2", false, 2_000);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    harness = open(snapshot);
    label("e1", true, 3_000);
    score("e2", 2_500);

    assertThat(harness.extractOutputValues())
        .containsExactly(labelled("e1", 1_000, true, 3_000), labelled("e2", 2_500, false, 2_000));
  }

  @Test
  void joinStateIsAPojoOfBytesAndAvroRecordsNotAKryoBlob() {
    TypeInformation<FeedbackJoin.JoinState> type = TypeInformation.of(FeedbackJoin.JoinState.class);

    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    PojoTypeInfo<FeedbackJoin.JoinState> pojo = (PojoTypeInfo<FeedbackJoin.JoinState>) type;
    assertThat(pojo.getTypeAt("score")).isEqualTo(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    assertThat(pojo.getTypeAt("label")).isInstanceOf(AvroTypeInfo.class);
  }

  private KeyedTwoInputStreamOperatorTestHarness<String, Score, Feedback, LabelledScore> open(
      OperatorSubtaskState restored) throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(
        metrics.operator(new FeedbackJoin(TTL)), Score::getEventId, Feedback::getEventId, Types.STRING);
    h.setup();
    if (restored == null) {
      h.initializeEmptyState();
    } else {
      h.initializeState(restored);
    }
    h.open();
    return h;
  }

  private void score(String eventId, long time) throws Exception {
    harness.processElement1(new Score(eventId, "entity-" + eventId, Instant.ofEpochMilli(time), scores(), null), time);
  }

  private void label(String eventId, boolean label, long time) throws Exception {
    harness.processElement2(new Feedback(eventId, label, Instant.ofEpochMilli(time), null), time);
  }

  private void watermark(long time) throws Exception {
    harness.processBothWatermarks(new Watermark(time));
  }

  private static List<ModelScore> scores() {
    return List.of(new ModelScore("lstm", "1", 0.75f, 0.5f, ModelRole.CHAMPION, null), new ModelScore("cnn", "2", null, 0.3f, ModelRole.CHAMPION, null));
  }

  private static LabelledScore labelled(String eventId, long eventTime, boolean label, long labelTime) {
    return new LabelledScore(eventId, "entity-" + eventId, Instant.ofEpochMilli(eventTime),
        Instant.ofEpochMilli(labelTime), label, scores());
  }

  private static FeedbackIssue issue(String eventId, boolean label, long time, FeedbackIssueReason reason) {
    return new FeedbackIssue(new Feedback(eventId, label, Instant.ofEpochMilli(time), null), reason);
  }

  private List<FeedbackIssue> issues() {
    var side = harness.getSideOutput(FeedbackJoin.ISSUES);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  /** The named counters have these values, all the others 0. */
  private void assertCounts(Map<String, Long> expected) {
    Map<String, Long> actual = new TreeMap<>();
    Map<String, Long> wanted = new TreeMap<>();
    for (String name : COUNTERS) {
      actual.put(name, metrics.<Counter>get(name).getCount());
      wanted.put(name, expected.getOrDefault(name, 0L));
    }
    assertThat(actual).isEqualTo(wanted);
  }
}
