package io.vigil.operators.metrics;

/**
 * Labelled scores as ordered entries, which is all {@link BinaryMetrics} needs: each entry an
 * interval of the score axis with the positives and negatives in it. An entry of one score (low =
 * high) is exact: its pairs are genuinely tied. An entry of several scores (low < high) is a
 * merged bucket: the order of its pairs among themselves is no longer known, which is what the
 * reported intervals account for. Entries never overlap.
 */
public interface ScoreEntries {

  /** Receives the entries of a walk. */
  @FunctionalInterface
  interface EntryVisitor {
    void visit(float low, float high, long positives, long negatives);
  }

  long positives();

  long negatives();

  /** Number of entries: distinct scores and merged buckets. */
  int entries();

  /** Visits every entry, highest first. */
  void forEachDescending(EntryVisitor visitor);

  /** Estimated heap held, for the state-size gauges. */
  long heapBytes();
}
