package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * What each join holds at a checkpoint on the same stream (1 000 entities, 2 000 events/s of event
 * time, 20 % labelled up to 30 s later, TTL 60 s, a watermark every second): timers and the bytes of
 * its keyed-state snapshot (heap backend, full snapshot: what every checkpoint writes). Prints both,
 * with the wall time of the feed and of a snapshot (rough: one JVM, shared cores).
 */
class LabelJoinStateSizeTest {

  private static final Duration TTL = Duration.ofSeconds(60);
  private static final int ENTITIES = 1_000;
  private static final int EVENTS_PER_SECOND = 2_000;
  private static final int SECONDS = 90;

  @Test
  void byEntityHoldsFewerTimersAndASmallerSnapshot() throws Exception {
    Held byEventId = null;
    Held byEntity = null;
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up for both
      byEventId = run(new KeyedCoProcessOperator<>(new FeedbackJoin(TTL)), Score::getEventId, Feedback::getEventId);
      byEntity = run(new FeedbackJoinByEntity(TTL), Score::getEntityId, Feedback::getEntityId);
    }
    System.out.printf("label join state after %d s at %d events/s, %d entities, TTL %d s:%n"
            + "  by eventId: %,d timers, snapshot %,d bytes in %d ms, feed %d ms%n"
            + "  by entity:  %,d timers, snapshot %,d bytes in %d ms, feed %d ms%n",
        SECONDS, EVENTS_PER_SECOND, ENTITIES, TTL.toSeconds(),
        byEventId.timers, byEventId.snapshotBytes, byEventId.snapshotMillis, byEventId.feedMillis,
        byEntity.timers, byEntity.snapshotBytes, byEntity.snapshotMillis, byEntity.feedMillis);

    // Two timers per entity and bucket: the buckets of about 2 TTL + a grain.
    assertThat(byEntity.timers).isLessThanOrEqualTo(2L * ENTITIES * 10);
    assertThat(byEntity.timers * 10).isLessThan(byEventId.timers);
    assertThat(byEntity.snapshotBytes).isLessThan(byEventId.snapshotBytes);
  }

  /** Timers and snapshot bytes; the feed's and a snapshot's (median of 5) wall time, for a rough ratio only. */
  private record Held(long timers, long snapshotBytes, long snapshotMillis, long feedMillis) {}

  private static Held run(TwoInputStreamOperator<Score, Feedback, LabelledScore> join, KeySelector<Score, String> scoreKey,
      KeySelector<Feedback, String> labelKey) throws Exception {
    Random random = new Random(7);
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(join, scoreKey, labelKey, Types.STRING)) {
      h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
      h.setup();
      h.open();
      PriorityQueue<Feedback> due = new PriorityQueue<>(Comparator.comparing(Feedback::getTime));
      long events = (long) EVENTS_PER_SECOND * SECONDS;
      long start = System.nanoTime();
      for (long n = 0; n < events; n++) {
        long time = n * 1_000 / EVENTS_PER_SECOND;
        while (!due.isEmpty() && due.peek().getTime().toEpochMilli() <= time) {
          Feedback label = due.poll();
          h.processElement2(new StreamRecord<>(label, label.getTime().toEpochMilli()));
        }
        String entity = "entity-" + random.nextInt(ENTITIES);
        String eventId = entity + "#" + n;
        h.processElement1(new StreamRecord<>(score(eventId, entity, time, random), time));
        if (random.nextInt(5) == 0) {
          due.add(new Feedback(eventId, random.nextBoolean(), Instant.ofEpochMilli(time + 1 + random.nextInt(30_000)), entity));
        }
        if (n % EVENTS_PER_SECOND == 0) {
          h.processBothWatermarks(new Watermark(time - 1_000));
        }
      }
      long feedMillis = (System.nanoTime() - start) / 1_000_000;
      long timers = h.numEventTimeTimers();
      long[] millis = new long[5];
      OperatorSubtaskState snapshot = null;
      for (int i = 0; i < millis.length; i++) {
        long before = System.nanoTime();
        snapshot = h.snapshot(1 + i, 1 + i);
        millis[i] = (System.nanoTime() - before) / 1_000_000;
      }
      Arrays.sort(millis);
      return new Held(timers, snapshot.getStateSize(), millis[2], feedMillis);
    }
  }

  private static Score score(String eventId, String entity, long time, Random random) {
    return new Score(eventId, entity, Instant.ofEpochMilli(time), List.of(
        new ModelScore("recurrent", "1", random.nextFloat(), 0.5f, ModelRole.CHAMPION, null),
        new ModelScore("cnn", "1", random.nextFloat(), 0.5f, ModelRole.CHAMPION, null),
        new ModelScore("autoencoder", "1", random.nextFloat(), 0.5f, ModelRole.CHAMPION, null),
        new ModelScore("alert", "1", random.nextFloat(), 0.5f, ModelRole.CHAMPION, null)), null);
  }
}
