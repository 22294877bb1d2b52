package io.vigil.pipelines.demo;

/**
 * Events per second by the time the job wrote them (the Kafka record timestamp its producer
 * sets), not by when a reader received them: exactly-once output becomes readable in one burst
 * per checkpoint, but it was written steadily. Bounded: one counter per second for the last
 * {@value #SECONDS} seconds; records written before that are not counted. Thread-safe.
 */
final class ProcessingRate {

  static final int SECONDS = 64;
  /** The rate is the mean over this many whole seconds before the newest one (which is still filling). */
  static final int AVERAGED = 3;
  /** No record written for this long: the job is not writing (not just waiting for a commit). */
  static final long STALE_MILLIS = 30_000;

  private final long[] counts = new long[SECONDS];
  private final long[] slotSecond = new long[SECONDS];
  private long newest = Long.MIN_VALUE;

  synchronized void add(long writtenAtMillis) {
    long second = Math.floorDiv(writtenAtMillis, 1000);
    if (newest != Long.MIN_VALUE && second <= newest - SECONDS) {
      return;
    }
    int slot = Math.floorMod(second, SECONDS);
    if (slotSecond[slot] != second) {
      slotSecond[slot] = second;
      counts[slot] = 0;
    }
    counts[slot]++;
    newest = Math.max(newest, second);
  }

  /** Mean events/s written in the {@value #AVERAGED} seconds before the newest; 0 before any record or when stale. */
  synchronized double perSecond(long nowMillis) {
    if (newest == Long.MIN_VALUE || nowMillis - newest * 1000 > STALE_MILLIS) {
      return 0;
    }
    long sum = 0;
    for (long second = newest - AVERAGED; second < newest; second++) {
      int slot = Math.floorMod(second, SECONDS);
      if (slotSecond[slot] == second) {
        sum += counts[slot];
      }
    }
    return sum / (double) AVERAGED;
  }
}
