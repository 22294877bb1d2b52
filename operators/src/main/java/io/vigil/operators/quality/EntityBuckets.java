package io.vigil.operators.quality;

import java.util.Arrays;

/**
 * One entity's live time buckets in {@link FeedbackJoinByEntity} and how many eventIds each holds:
 * pairs (bucket, count) in a {@code long[]}, oldest bucket first. A handful of pairs per entity
 * (the buckets of about two TTLs), so a plain array beats any map, in memory and in checkpoints.
 */
final class EntityBuckets {

  static final long[] EMPTY = new long[0];

  private EntityBuckets() {}

  /** {@code buckets} with {@code delta} added to {@code bucket}'s count; a bucket whose count drops to 0 is left out. */
  static long[] add(long[] buckets, long bucket, long delta) {
    int i = 0;
    while (i < buckets.length && buckets[i] < bucket) {
      i += 2;
    }
    if (i < buckets.length && buckets[i] == bucket) {
      long count = buckets[i + 1] + delta;
      if (count > 0) {
        long[] changed = buckets.clone();
        changed[i + 1] = count;
        return changed;
      }
      return remove(buckets, i);
    }
    if (delta <= 0) {
      return buckets;
    }
    long[] grown = new long[buckets.length + 2];
    System.arraycopy(buckets, 0, grown, 0, i);
    grown[i] = bucket;
    grown[i + 1] = delta;
    System.arraycopy(buckets, i, grown, i + 2, buckets.length - i);
    return grown;
  }

  /** {@code buckets} without {@code bucket}. */
  static long[] drop(long[] buckets, long bucket) {
    for (int i = 0; i < buckets.length; i += 2) {
      if (buckets[i] == bucket) {
        return remove(buckets, i);
      }
    }
    return buckets;
  }

  /** The count of {@code bucket}, 0 if absent. */
  static long count(long[] buckets, long bucket) {
    for (int i = 0; i < buckets.length; i += 2) {
      if (buckets[i] == bucket) {
        return buckets[i + 1];
      }
    }
    return 0;
  }

  /** All eventIds held. */
  static long total(long[] buckets) {
    long total = 0;
    for (int i = 1; i < buckets.length; i += 2) {
      total += buckets[i];
    }
    return total;
  }

  private static long[] remove(long[] buckets, int i) {
    long[] shrunk = Arrays.copyOf(buckets, buckets.length - 2);
    System.arraycopy(buckets, i + 2, shrunk, i, buckets.length - i - 2);
    return shrunk;
  }
}
