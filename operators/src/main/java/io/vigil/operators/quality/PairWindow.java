package io.vigil.operators.quality;

import io.vigil.operators.metrics.PairedScores;

/**
 * The most recent labelled pairs of one challenger and its champion, at most {@code capacity}: a
 * ring of primitive columns (about 17 bytes a pair), all pairs of the same two versions. A Flink
 * POJO, kept in keyed state by {@link ChallengerComparison}.
 */
public class PairWindow {

  public String champion;
  public String championVersion;
  public String challengerVersion;
  public float[] championScores;
  public float[] challengerScores;
  /** Bit 0: label, bit 1: champion predicted positive, bit 2: challenger predicted positive. */
  public byte[] flags;
  public long[] times;
  /** Slot of the oldest pair. */
  public int head;
  public int count;

  public PairWindow() {}

  static PairWindow empty(int capacity, LabelledPair first) {
    PairWindow w = new PairWindow();
    w.champion = first.champion;
    w.championVersion = first.championVersion;
    w.challengerVersion = first.challengerVersion;
    w.championScores = new float[capacity];
    w.challengerScores = new float[capacity];
    w.flags = new byte[capacity];
    w.times = new long[capacity];
    return w;
  }

  int capacity() {
    return times.length;
  }

  /** Appends the pair, dropping the oldest when full. */
  void add(LabelledPair p) {
    int slot = (head + count) % capacity();
    if (count == capacity()) {
      head = (head + 1) % capacity();
    } else {
      count++;
    }
    championScores[slot] = p.championScore;
    challengerScores[slot] = p.challengerScore;
    flags[slot] = (byte) ((p.label ? 1 : 0) | (p.championPredicted ? 2 : 0) | (p.challengerPredicted ? 4 : 0));
    times[slot] = p.time;
  }

  boolean holds(LabelledPair p) {
    return champion.equals(p.champion) && championVersion.equals(p.championVersion)
        && challengerVersion.equals(p.challengerVersion);
  }

  long oldestTime() {
    return times[head];
  }

  /** The pairs, oldest first. */
  PairedScores paired() {
    float[] a = new float[count];
    float[] b = new float[count];
    boolean[] y = new boolean[count];
    boolean[] pa = new boolean[count];
    boolean[] pb = new boolean[count];
    for (int i = 0; i < count; i++) {
      int slot = (head + i) % capacity();
      a[i] = championScores[slot];
      b[i] = challengerScores[slot];
      y[i] = (flags[slot] & 1) != 0;
      pa[i] = (flags[slot] & 2) != 0;
      pb[i] = (flags[slot] & 4) != 0;
    }
    return new PairedScores(a, b, y, pa, pb);
  }
}
