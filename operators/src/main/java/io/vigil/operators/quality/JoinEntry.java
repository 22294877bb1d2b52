package io.vigil.operators.quality;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What {@link FeedbackJoinByEntity} remembers of one eventId, stored as one small byte array: a
 * 26-byte header (what waits, whether a label was taken, the first score's time, when the wait
 * ends, when the eventId is forgotten) and the waiting record's Avro bytes, if any. Bytes because
 * the heap backend copies a bucket's values on its first write after each snapshot and writes them
 * all at every checkpoint: copying and writing a byte array is far cheaper than a record or a POJO.
 * Once nothing waits, only the header is kept (enough to recognise repeats).
 */
final class JoinEntry {

  static final byte NOTHING = 0;
  static final byte SCORE = 1;
  static final byte LABEL = 2;
  static final long NONE = Long.MIN_VALUE;

  private static final int HEADER = 26;
  private static final int WAIT_DUE = 10;

  /** NOTHING, SCORE or LABEL: which record waits (in {@link #payload}). */
  byte waiting = NOTHING;
  /** A label was taken for this eventId: any further label is a duplicate. */
  boolean labelTaken;
  /** Event time of the first score; NONE if no score came. */
  long scoreTime = NONE;
  /** The first watermark at which the waiting record's wait is over. */
  long waitDue = NONE;
  /** The first watermark at which everything about this eventId is forgotten. */
  long forgetDue = NONE;
  /** The waiting record's Avro bytes (WireCodec, so they carry their schema's fingerprint). */
  byte[] payload;

  static JoinEntry read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    JoinEntry e = new JoinEntry();
    e.waiting = in.get();
    e.labelTaken = in.get() != 0;
    e.scoreTime = in.getLong();
    e.waitDue = in.getLong();
    e.forgetDue = in.getLong();
    e.payload = e.waiting == NOTHING ? null : Arrays.copyOfRange(bytes, HEADER, bytes.length);
    return e;
  }

  byte[] toBytes() {
    int length = HEADER + (waiting == NOTHING ? 0 : payload.length);
    ByteBuffer out = ByteBuffer.allocate(length)
        .put(waiting).put((byte) (labelTaken ? 1 : 0)).putLong(scoreTime).putLong(waitDue).putLong(forgetDue);
    if (waiting != NOTHING) {
      out.put(payload);
    }
    return out.array();
  }

  /** Whether the stored entry {@code bytes} has a record whose wait is over at {@code watermark}, without decoding it. */
  static boolean waitOver(byte[] bytes, long watermark) {
    return bytes[0] != NOTHING && ByteBuffer.wrap(bytes).getLong(WAIT_DUE) <= watermark;
  }

  /** {@code kind}'s record {@code bytes} waits until the watermark reaches {@code due}. */
  void waitFor(byte kind, byte[] bytes, long due) {
    waiting = kind;
    payload = bytes;
    waitDue = due;
  }

  void stopWaiting() {
    waiting = NOTHING;
    payload = null;
    waitDue = NONE;
  }

  /** Remembered at least until the watermark reaches {@code due}. */
  void keepUntil(long due) {
    forgetDue = Math.max(forgetDue, due);
  }
}
