package io.vigil.operators.ingest;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import java.io.Serializable;

/**
 * Reads a record's event time from its bytes at the source, before decoding, so that watermarks
 * can be generated per Kafka partition (Flink's per-split watermarks) where the partitions are
 * still apart. It walks the Avro single-object header (10 bytes) and the fields before the time
 * ({@link Layout}), then reads the time (a zig-zag varint), never allocating from a length prefix.
 *
 * <p>A record whose bytes do not parse, or whose time is outside the ingest limits' range, gets no
 * time ({@link Long#MIN_VALUE}): it cannot move the watermark, and its decoder dead-letters it.
 */
public final class RawEventTime implements TimestampAssigner<RawRecord>, Serializable {

  /** The fields in front of the time, in writer order. */
  public enum Layout {
    /** SequenceEvent: entityId (string), eventId (string), eventTime. */
    EVENT(2, 0),
    /** Feedback: eventId (string), label (boolean), time. */
    FEEDBACK(1, 1);

    private final int strings;
    private final int booleans;

    Layout(int strings, int booleans) {
      this.strings = strings;
      this.booleans = booleans;
    }
  }

  private static final int HEADER = 10;

  private final Layout layout;
  private final IngestLimits limits;

  public RawEventTime(Layout layout, IngestLimits limits) {
    this.layout = layout;
    this.limits = limits;
  }

  @Override
  public long extractTimestamp(RawRecord record, long kafkaTimestamp) {
    long time = peek(record.value, layout);
    if (time == Long.MIN_VALUE || limits.checkTime("time", time, System.currentTimeMillis()) != null) {
      return Long.MIN_VALUE;
    }
    return time;
  }

  /** The time field of single-object-encoded {@code bytes}, or {@link Long#MIN_VALUE} if they do not parse that far. */
  static long peek(byte[] bytes, Layout layout) {
    if (bytes == null || bytes.length < HEADER + 1 || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
      return Long.MIN_VALUE;
    }
    long[] cursor = {HEADER};
    for (int i = 0; i < layout.strings; i++) {
      long length = varint(bytes, cursor);
      if (length < 0 || length > bytes.length - cursor[0]) {
        return Long.MIN_VALUE;
      }
      cursor[0] += length;
    }
    cursor[0] += layout.booleans;
    return cursor[0] >= bytes.length ? Long.MIN_VALUE : varint(bytes, cursor);
  }

  /** A zig-zag varint at {@code cursor[0]}, advancing it; {@link Long#MIN_VALUE} when cut short or longer than 10 bytes. */
  private static long varint(byte[] bytes, long[] cursor) {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (cursor[0] >= bytes.length) {
        return Long.MIN_VALUE;
      }
      int b = bytes[(int) cursor[0]++] & 0xFF;
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    return Long.MIN_VALUE;
  }
}
