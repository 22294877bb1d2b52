package io.vigil.pipelines.bench;

import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.wire.WireCodec;

/** The event time an encoded alert answers: its opening event's, for an OPEN record; -1 for a CLOSED one. */
final class AlertTimes {

  private final WireCodec<Alert> codec = new WireCodec<>(Alert.getClassSchema());

  long openingEventTimeMillis(byte[] encoded) {
    Alert a = codec.decode(encoded).value();
    return a.getStatus() == AlertStatus.OPEN ? a.getOpenedAt().toEpochMilli() : -1;
  }
}
