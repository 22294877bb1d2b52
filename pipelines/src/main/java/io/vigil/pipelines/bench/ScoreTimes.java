package io.vigil.pipelines.bench;

import io.vigil.schemas.Score;
import io.vigil.schemas.wire.SchemaHistory;
import io.vigil.schemas.wire.WireCodec;

/** The event time inside an encoded Score. */
final class ScoreTimes {

  private final WireCodec<Score> codec = new WireCodec<>(Score.getClassSchema(), SchemaHistory.of("Score"));

  long eventTimeMillis(byte[] encoded) {
    return codec.decode(encoded).value().getEventTime().toEpochMilli();
  }
}
