package io.vigil.pipelines.replay;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replaces a small share of events with the kinds of bad input production sees, so the demo
 * shows them landing in dead letters: garbage bytes, a wrong feature count, a NaN feature, a
 * record of another schema, an empty entity id and an event time a year ahead.
 */
public final class FaultInjector {

  private final double share;
  private final SplittableRandom random;
  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  private final WireCodec<Feedback> otherSchema = new WireCodec<>(Feedback.getClassSchema());
  private int next;

  public FaultInjector(double share, long seed) {
    this.share = share;
    this.random = new SplittableRandom(seed);
  }

  /** Bad bytes in place of {@code event}, or null to send it as it is. */
  public byte[] maybeCorrupt(SequenceEvent event) {
    if (random.nextDouble() >= share) {
      return null;
    }
    return switch (next++ % 6) {
      case 0 -> ("not avro: " + event.getEventId()).getBytes(StandardCharsets.UTF_8);
      case 1 -> {
        List<Float> fewer = new ArrayList<>(event.getFeatures().subList(0, event.getFeatures().size() - 1));
        yield events.encode(SequenceEvent.newBuilder(event).setFeatures(fewer).build());
      }
      case 2 -> {
        List<Float> withNaN = new ArrayList<>(event.getFeatures());
        withNaN.set(0, Float.NaN);
        yield events.encode(SequenceEvent.newBuilder(event).setFeatures(withNaN).build());
      }
      case 3 -> events.encode(SequenceEvent.newBuilder(event).setEntityId("").build());
      case 4 -> events.encode(SequenceEvent.newBuilder(event)
          .setEventTime(event.getEventTime().plus(java.time.Duration.ofDays(365))).build());
      default -> otherSchema.encode(Feedback.newBuilder().setEventId(event.getEventId()).setEntityId(event.getEntityId()).setLabel(false)
          .setTime(Instant.ofEpochMilli(0)).build());
    };
  }
}
