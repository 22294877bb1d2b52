package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.wire.WireCodec;
import java.io.Serializable;
import java.time.Duration;

/**
 * The bounds every input record must keep, shared by the event and the feedback decoders; a record
 * outside them becomes a dead letter with the reason named here, never an exception.
 *
 * @param maxRecordBytes largest record value decoded ({@code RECORD_TOO_LARGE} above it)
 * @param maxIdLength longest entity or event id, in chars ({@code BAD_ID} when longer or empty):
 *     ids are copied into every score, alert and label, so they bound those records' size
 * @param maxEventAge oldest event (or label) time accepted, before processing time
 * @param maxFutureSkew newest time accepted, after processing time ({@code EVENT_TIME_OUT_OF_RANGE}
 *     outside the two): a time near {@code Long.MAX_VALUE} cannot reach timers, TTLs or windows
 * @param deadLetterMaxBytes largest prefix of a rejected record kept in its dead letter
 */
public record IngestLimits(int maxRecordBytes, int maxIdLength, Duration maxEventAge, Duration maxFutureSkew,
    int deadLetterMaxBytes) implements Serializable {

  /** Largest dead-letter message: an exception text cannot make a dead letter large. */
  static final int MAX_MESSAGE_CHARS = 1000;

  public IngestLimits {
    if (maxRecordBytes <= 10 || maxIdLength < 1 || deadLetterMaxBytes < 0
        || maxEventAge.isNegative() || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("ingest limits must be positive (record bytes > 10, id length >= 1, ages >= 0, "
          + "dead-letter bytes >= 0): " + this);
    }
    try {
      Math.addExact(maxEventAge.toMillis(), maxFutureSkew.toMillis());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("ingest time bounds too large to count in milliseconds: " + this);
    }
  }

  /**
   * 1 MiB records (Kafka's default maximum message), ids of 256 chars, times from 7 days back
   * (Kafka's default retention: an older time is a wrong clock, not a late event) to 5 minutes
   * ahead (clock skew between producers and this job), 64 KiB of a record kept in its dead letter.
   */
  public static IngestLimits defaults() {
    return new IngestLimits(WireCodec.DEFAULT_MAX_RECORD_BYTES, 256, Duration.ofDays(7), Duration.ofMinutes(5), 64 * 1024);
  }

  /** A problem with {@code id} (the field {@code name}), or null. */
  Invalid checkId(String name, String id) {
    if (id.isEmpty()) {
      return new Invalid(DeadLetterReason.BAD_ID, name + " is empty");
    }
    if (id.length() > maxIdLength) {
      return new Invalid(DeadLetterReason.BAD_ID, name + " has " + id.length() + " chars, more than " + maxIdLength);
    }
    return null;
  }

  /** A problem with {@code millis} (the time field {@code name}) seen at processing time {@code now}, or null. */
  Invalid checkTime(String name, long millis, long now) {
    long earliest = saturatedAdd(now, -maxEventAge.toMillis());
    long latest = saturatedAdd(now, maxFutureSkew.toMillis());
    if (millis < earliest || millis > latest) {
      return new Invalid(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, name + " " + millis + " is outside [now - "
          + maxEventAge + ", now + " + maxFutureSkew + "] = [" + earliest + ", " + latest + "]");
    }
    return null;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }
}
