package io.vigil.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The (score, label) pairs of a sliding event-time window [end - size, end) that moves by whole
 * slides. Pairs live in a {@link ScoreLabelTree} for the metrics and, for expiry, in one bucket per
 * slide (4 bytes per pair): moving the window removes the buckets that fell out, pair by pair, in
 * O(log n) each — nothing is recomputed.
 *
 * <p>Memory: 4 bytes per pair in the window (plus array slack), and the tree's (30 to 45, at most
 * about 90) bytes per distinct score in it.
 */
public final class SlidingScoreWindow {

  private final long size;
  private final long slide;
  private final ScoreLabelTree tree;
  private final TreeMap<Long, Bucket> buckets; // slide index -> its pairs
  private long start; // inclusive start of the window

  /** A window of {@code size} milliseconds moving by {@code slide}; size must be a multiple. */
  public SlidingScoreWindow(long size, long slide) {
    this(size, slide, new ScoreLabelTree(), new TreeMap<>(), Long.MIN_VALUE);
    if (slide <= 0 || size <= 0 || size % slide != 0) {
      throw new IllegalArgumentException(
          "window size must be a positive multiple of the slide, got size " + size + " and slide " + slide);
    }
  }

  private SlidingScoreWindow(long size, long slide, ScoreLabelTree tree, TreeMap<Long, Bucket> buckets, long start) {
    this.size = size;
    this.slide = slide;
    this.tree = tree;
    this.buckets = buckets;
    this.start = start;
  }

  public long size() {
    return size;
  }

  public long slide() {
    return slide;
  }

  /** Inclusive start of the window; Long.MIN_VALUE before the first {@link #advanceTo}. */
  public long start() {
    return start;
  }

  public ScoreLabelTree tree() {
    return tree;
  }

  /**
   * Adds a pair with event time {@code time}. Returns false, keeping nothing, when the time is
   * before the window's start: the window it belonged to has already slid past.
   */
  public boolean add(long time, float score, boolean positive) {
    if (time < start) {
      return false;
    }
    tree.add(score, positive);
    buckets.computeIfAbsent(Math.floorDiv(time, slide), b -> new Bucket()).add(score, positive);
    return true;
  }

  /** Moves the window to [end - size, end), removing the pairs that fell out. */
  public void advanceTo(long end) {
    if (end % slide != 0) {
      throw new IllegalArgumentException("window end " + end + " is not a multiple of the slide " + slide);
    }
    start = Math.max(start, end - size);
    Iterator<Map.Entry<Long, Bucket>> expired = buckets.headMap(Math.floorDiv(start, slide)).entrySet().iterator();
    while (expired.hasNext()) {
      expired.next().getValue().removeFrom(tree);
      expired.remove();
    }
  }

  public SlidingScoreWindow copy() {
    TreeMap<Long, Bucket> copied = new TreeMap<>();
    buckets.forEach((index, bucket) -> copied.put(index, bucket.copy()));
    return new SlidingScoreWindow(size, slide, tree.copy(), copied, start);
  }

  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(size);
    out.writeLong(slide);
    out.writeLong(start);
    tree.writeTo(out);
    out.writeInt(buckets.size());
    for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
      out.writeLong(e.getKey());
      e.getValue().positives.writeTo(out);
      e.getValue().negatives.writeTo(out);
    }
  }

  /** Reads what {@link #writeTo} wrote, in {@link ModelMetricsState}'s format {@code format}. */
  public static SlidingScoreWindow readFrom(DataInput in, int format) throws IOException {
    long size = in.readLong();
    long slide = in.readLong();
    long start = in.readLong();
    ScoreLabelTree tree = ScoreLabelTree.readFrom(in, format);
    TreeMap<Long, Bucket> buckets = new TreeMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      buckets.put(in.readLong(), new Bucket(FloatList.readFrom(in), FloatList.readFrom(in)));
    }
    return new SlidingScoreWindow(size, slide, tree, buckets, start);
  }

  private static final class Bucket {
    final FloatList positives;
    final FloatList negatives;

    Bucket() {
      this(new FloatList(), new FloatList());
    }

    Bucket(FloatList positives, FloatList negatives) {
      this.positives = positives;
      this.negatives = negatives;
    }

    void add(float score, boolean positive) {
      (positive ? positives : negatives).add(score);
    }

    void removeFrom(ScoreLabelTree tree) {
      positives.forEach(s -> tree.remove(s, true));
      negatives.forEach(s -> tree.remove(s, false));
    }

    Bucket copy() {
      return new Bucket(positives.copy(), negatives.copy());
    }
  }

  /** A growable float array: 4 bytes a score instead of a boxed Float's 16 and more. */
  private static final class FloatList {
    private float[] values;
    private int size;

    FloatList() {
      this(new float[8], 0);
    }

    private FloatList(float[] values, int size) {
      this.values = values;
      this.size = size;
    }

    void add(float value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    void forEach(FloatConsumer action) {
      for (int i = 0; i < size; i++) {
        action.accept(values[i]);
      }
    }

    FloatList copy() {
      return new FloatList(Arrays.copyOf(values, Math.max(size, 1)), size);
    }

    void writeTo(DataOutput out) throws IOException {
      out.writeInt(size);
      for (int i = 0; i < size; i++) {
        out.writeFloat(values[i]);
      }
    }

    static FloatList readFrom(DataInput in) throws IOException {
      int size = in.readInt();
      float[] values = new float[Math.max(size, 1)];
      for (int i = 0; i < size; i++) {
        values[i] = in.readFloat();
      }
      return new FloatList(values, size);
    }
  }

  @FunctionalInterface
  private interface FloatConsumer {
    void accept(float value);
  }
}
