package io.vigil.operators.metrics;

/**
 * Two models' scores of the same labelled events, row by row: the paired data a champion /
 * challenger comparison needs. {@code championPredicted} and {@code challengerPredicted} say
 * whether each model's score was at or above its own threshold for that event.
 */
public record PairedScores(float[] champion, float[] challenger, boolean[] labels,
    boolean[] championPredicted, boolean[] challengerPredicted) {

  public PairedScores {
    int n = labels.length;
    if (champion.length != n || challenger.length != n || championPredicted.length != n || challengerPredicted.length != n) {
      throw new IllegalArgumentException("paired columns differ in length");
    }
  }

  /** Predictions at fixed thresholds, the same for every row. */
  public static PairedScores atThresholds(float[] champion, float[] challenger, boolean[] labels,
      float championThreshold, float challengerThreshold) {
    boolean[] a = new boolean[labels.length];
    boolean[] b = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      a[i] = champion[i] >= championThreshold;
      b[i] = challenger[i] >= challengerThreshold;
    }
    return new PairedScores(champion, challenger, labels, a, b);
  }

  public int size() {
    return labels.length;
  }

  public int positives() {
    int p = 0;
    for (boolean l : labels) {
      p += l ? 1 : 0;
    }
    return p;
  }
}
