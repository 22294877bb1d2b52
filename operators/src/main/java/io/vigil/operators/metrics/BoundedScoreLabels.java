package io.vigil.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Labelled scores since the start, in at most {@code maxEntries} entries: exact (one entry per
 * distinct score) while there are fewer distinct scores than that; beyond, adjacent entries are
 * merged into buckets on an adaptive grid, so memory, snapshot and checkpoint cost stay bounded
 * whatever the volume, and {@link BinaryMetrics} reports intervals that contain the exact values.
 *
 * <p>Layout: sorted, non-overlapping buckets [low, high] in four arrays (24 bytes each), plus a
 * {@link ScoreLabelTree} of the distinct scores seen outside every bucket. A score inside a bucket
 * increments it (O(log n), no allocation); one outside enters the tree. When buckets plus tree pass
 * the budget, a few O(budget) passes merge everything into three quarters of the budget of buckets
 * of about equal cost to the reported intervals ({@link #group}), never across the model's
 * threshold ({@link #keepEdgeAt}), so the confusion matrix there stays exact. Amortised, O(1) per
 * new distinct score.
 *
 * <p>Memory: at most 24 bytes per bucket plus the tree's 30 to 45 (at most about 90) bytes per
 * distinct score outside them, so at most about 90 bytes per entry of the budget: 65 536 entries
 * (the default) stay under 6 MiB, typically 2 to 3.
 *
 * <p>Not thread-safe.
 */
public final class BoundedScoreLabels implements ScoreEntries {

  /** Smallest budget: room for the threshold edge and the top-of-ranking buckets. */
  public static final int MIN_ENTRIES = 64;

  /** A merge leaves this share of the budget in buckets: room for new scores until the next. */
  private static final double TARGET = 0.75;
  /** Bisection steps of a merge's cost limit, after doubling found one that fits. */
  private static final int REFINEMENTS = 5;

  private int maxEntries;
  private int[] low = new int[0]; // ScoreLabelTree.sortable form
  private int[] high = new int[0];
  private long[] pos = new long[0];
  private long[] neg = new long[0];
  private int size;
  private ScoreLabelTree fresh = new ScoreLabelTree();
  private long positives;
  private long negatives;
  private float edge = Float.NaN;

  public BoundedScoreLabels(int maxEntries) {
    if (maxEntries < MIN_ENTRIES) {
      throw new IllegalArgumentException("the metrics budget must be at least " + MIN_ENTRIES + " entries, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** Everything in {@code tree}, merged down to the budget if needed: restores format-1 state. */
  static BoundedScoreLabels of(ScoreLabelTree tree, int maxEntries) {
    BoundedScoreLabels b = new BoundedScoreLabels(maxEntries);
    b.fresh = tree;
    b.positives = tree.positives();
    b.negatives = tree.negatives();
    b.limitTo(maxEntries);
    return b;
  }

  public void add(float score, boolean positive) {
    int k = ScoreLabelTree.sortable(score);
    int i = bucketAt(k);
    if (i >= 0) {
      (positive ? pos : neg)[i]++;
    } else {
      fresh.add(score, positive);
      if (size + fresh.distinctScores() > maxEntries) {
        compact();
      }
    }
    if (positive) {
      positives++;
    } else {
      negatives++;
    }
  }

  /** Future merges keep a bucket edge at this threshold (NaN: none). */
  public void keepEdgeAt(float threshold) {
    edge = threshold;
  }

  /** Applies a (new) budget, merging at once if the entries exceed it. */
  public void limitTo(int maxEntries) {
    if (maxEntries < MIN_ENTRIES) {
      throw new IllegalArgumentException("the metrics budget must be at least " + MIN_ENTRIES + " entries, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    if (entries() > maxEntries) {
      compact();
    }
  }

  public int maxEntries() {
    return maxEntries;
  }

  @Override
  public long positives() {
    return positives;
  }

  @Override
  public long negatives() {
    return negatives;
  }

  @Override
  public int entries() {
    return size + fresh.distinctScores();
  }

  @Override
  public long heapBytes() {
    return 96 + 24L * low.length + fresh.heapBytes();
  }

  @Override
  public void forEachDescending(EntryVisitor visitor) {
    int[] next = {size - 1};
    fresh.forEachDescending((score, same, p, n) -> {
      int k = ScoreLabelTree.sortable(score);
      for (; next[0] >= 0 && low[next[0]] > k; next[0]--) {
        visitBucket(next[0], visitor);
      }
      visitor.visit(score, score, p, n);
    });
    for (int i = next[0]; i >= 0; i--) {
      visitBucket(i, visitor);
    }
  }

  public BoundedScoreLabels copy() {
    BoundedScoreLabels c = new BoundedScoreLabels(maxEntries);
    c.low = Arrays.copyOf(low, size);
    c.high = Arrays.copyOf(high, size);
    c.pos = Arrays.copyOf(pos, size);
    c.neg = Arrays.copyOf(neg, size);
    c.size = size;
    c.fresh = fresh.copy();
    c.positives = positives;
    c.negatives = negatives;
    c.edge = edge;
    return c;
  }

  /** Budget, edge and the entries in ascending order, as varint deltas: about 4 to 10 bytes each. */
  public void writeTo(DataOutput out) throws IOException {
    Entries all = collectDescending();
    out.writeInt(maxEntries);
    out.writeFloat(edge);
    out.writeInt(all.size);
    for (int i = all.size - 1; i >= 0; i--) {
      out.writeInt(all.low[i]);
      ScoreLabelTree.writeVarLong(out, (long) all.high[i] - all.low[i]);
      ScoreLabelTree.writeVarLong(out, all.pos[i]);
      ScoreLabelTree.writeVarLong(out, all.neg[i]);
    }
  }

  public static BoundedScoreLabels readFrom(DataInput in) throws IOException {
    BoundedScoreLabels b = new BoundedScoreLabels(in.readInt());
    b.edge = in.readFloat();
    int n = in.readInt();
    b.grow(n);
    for (int i = 0; i < n; i++) {
      b.low[i] = in.readInt();
      b.high[i] = (int) (b.low[i] + ScoreLabelTree.readVarLong(in));
      b.pos[i] = ScoreLabelTree.readVarLong(in);
      b.neg[i] = ScoreLabelTree.readVarLong(in);
      b.positives += b.pos[i];
      b.negatives += b.neg[i];
    }
    b.size = n;
    return b;
  }

  /** The bucket holding sortable score k, or -1. */
  private int bucketAt(int k) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (low[mid] <= k) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi >= 0 && k <= high[hi] ? hi : -1;
  }

  private void visitBucket(int i, EntryVisitor visitor) {
    visitor.visit(ScoreLabelTree.score(low[i]), ScoreLabelTree.score(high[i]), pos[i], neg[i]);
  }

  /**
   * Merges all entries, highest first, into at most {@link #TARGET} of the budget in buckets of
   * about equal cost (see {@link #group}): the cost limit is searched geometrically, doubling until
   * the buckets fit, then halving the gap a few times.
   */
  private void compact() {
    Entries all = collectDescending();
    int target = (int) (maxEntries * TARGET);
    double fits = 1.0 / ((double) target * target);
    Entries merged = group(all, fits);
    double tooSmall = 0;
    while (merged.size > target) {
      tooSmall = fits;
      fits *= 4;
      merged = group(all, fits);
    }
    for (int i = 0; i < REFINEMENTS && tooSmall > 0; i++) {
      double mid = Math.sqrt(tooSmall * fits);
      Entries tried = group(all, mid);
      if (tried.size > target) {
        tooSmall = mid;
      } else {
        fits = mid;
        merged = tried;
      }
    }
    low = reversed(merged.low, merged.size);
    high = reversed(merged.high, merged.size);
    pos = reversed(merged.pos, merged.size);
    neg = reversed(merged.neg, merged.size);
    size = merged.size;
    fresh = new ScoreLabelTree();
  }

  /**
   * Next-fit grouping of descending entries: a group takes the next entry while its cost stays
   * within {@code limit}, and never across the edge. The cost of a bucket is what it adds to the
   * widths of the intervals: p·n / (P·N) to ROC-AUC's, and about p·c / (P·(R + c)) to average
   * precision's (c its pairs, R the pairs above it: a bucket's precision spread is about c / (R +
   * c)). So buckets are fine where positives are dense and near the top of the ranking. A run of
   * negatives costs nothing today (their order among themselves never matters), but its range
   * absorbs the scores to come: a third term, (c / total)² / 4, what the bucket would add to the
   * ROC-AUC width with balanced classes, keeps it from swallowing a wide range (e.g. when the
   * first labels are all negative).
   */
  private Entries group(Entries all, double limit) {
    boolean hasEdge = !Float.isNaN(edge);
    int edgeKey = hasEdge ? ScoreLabelTree.sortable(edge) : 0;
    double allPositives = Math.max(1, positives);
    double allNegatives = Math.max(1, negatives);
    double total = allPositives + allNegatives;
    Entries out = new Entries(all.size);
    long above = 0; // pairs above the current group
    for (int i = 0; i < all.size; i++) {
      int g = out.size - 1;
      boolean fits = false;
      if (g >= 0 && !(hasEdge && out.low[g] >= edgeKey && all.high[i] < edgeKey)) {
        double p = out.pos[g] + all.pos[i];
        double n = out.neg[g] + all.neg[i];
        double share = (p + n) / total;
        double cost = p * (p + n) / (allPositives * (above + p + n)) + p * n / (allPositives * allNegatives)
            + share * share / 4;
        fits = cost <= limit;
      }
      if (fits) {
        out.low[g] = all.low[i];
        out.pos[g] += all.pos[i];
        out.neg[g] += all.neg[i];
      } else {
        if (g >= 0) {
          above += out.pos[g] + out.neg[g];
        }
        out.add(all.low[i], all.high[i], all.pos[i], all.neg[i]);
      }
    }
    return out;
  }

  private Entries collectDescending() {
    Entries all = new Entries(entries());
    forEachDescending((lo, hi, p, n) ->
        all.add(ScoreLabelTree.sortable(lo), ScoreLabelTree.sortable(hi), p, n));
    return all;
  }

  private void grow(int capacity) {
    low = Arrays.copyOf(low, capacity);
    high = Arrays.copyOf(high, capacity);
    pos = Arrays.copyOf(pos, capacity);
    neg = Arrays.copyOf(neg, capacity);
  }

  private static int[] reversed(int[] a, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = a[n - 1 - i];
    }
    return r;
  }

  private static long[] reversed(long[] a, int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = a[n - 1 - i];
    }
    return r;
  }

  /** Entries in arrays, in the order added. */
  private static final class Entries {
    final int[] low;
    final int[] high;
    final long[] pos;
    final long[] neg;
    int size;

    Entries(int capacity) {
      low = new int[capacity];
      high = new int[capacity];
      pos = new long[capacity];
      neg = new long[capacity];
    }

    void add(int lo, int hi, long p, long n) {
      low[size] = lo;
      high[size] = hi;
      pos[size] = p;
      neg[size] = n;
      size++;
    }
  }
}
