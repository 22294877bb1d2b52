package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.wire.SchemaHistory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Pending joins survive a compatible change of Score: a snapshot taken while scores waited for
 * their labels, written before Score gained {@code scoredAt} (see FeedbackJoinSnapshotFixture),
 * restores, and every waiting score joins its label.
 */
class FeedbackJoinEvolutionTest {

  @Test
  void scoresWrittenWithScoreVersionOneJoinAfterTheChange() throws Exception {
    Schema v1 = SchemaHistory.of("Score").get(0);
    assertThat(SchemaNormalization.parsingFingerprint64(v1))
        .as("the fixture's writer schema is not the current one: without the history it could not be read")
        .isNotEqualTo(SchemaNormalization.parsingFingerprint64(Score.getClassSchema()));
    assertThat(v1.getField("scoredAt")).isNull();
    OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(fixture("pending-scores-v1.snapshot"));

    try (var h = FeedbackJoinSnapshotFixture.harness()) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      List<LabelledScore> expected = new ArrayList<>();
      for (int i = 0; i < FeedbackJoinSnapshotFixture.COUNT; i++) {
        boolean label = i % 2 == 0;
        h.processElement2(new Feedback("e" + i, label, Instant.ofEpochMilli(2_000 + i), null), 2_000 + i);
        expected.add(FeedbackJoinSnapshotFixture.labelled(i, label, 2_000 + i));
      }
      // A score of the new schema, with the new field set, joins too.
      Score fresh = Score.newBuilder(FeedbackJoinSnapshotFixture.score(9)).setScoredAt(Instant.ofEpochMilli(1_500)).build();
      h.processElement1(fresh, 1_009);
      h.processElement2(new Feedback("e9", true, Instant.ofEpochMilli(3_000), null), 3_000);
      expected.add(FeedbackJoinSnapshotFixture.labelled(9, true, 3_000));
      h.processBothWatermarks(new Watermark(Long.MAX_VALUE));

      assertThat(h.extractOutputValues()).containsExactlyElementsOf(expected);
    }
  }

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(FeedbackJoinEvolutionTest.class.getResource("/feedback-join/" + name).toURI()).toString();
  }
}
