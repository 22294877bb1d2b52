package io.vigil.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScoreLabelTreeTest {

  /** Few distinct values, both zeros and infinities: ties and node deletions happen all the time. */
  private static final float[] VALUES = {
    Float.NEGATIVE_INFINITY, -3.5f, -1e-30f, -0.0f, 0.0f, 1e-30f, 0.25f, 0.5f, 0.75f, 1f, 7f, Float.POSITIVE_INFINITY
  };

  private record Pair(float score, boolean positive) {}

  @Test
  void randomInsertsAndRemovesAgreeWithBruteForce() throws IOException {
    Random random = new Random(42);
    ScoreLabelTree tree = new ScoreLabelTree();
    List<Pair> pairs = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      if (!pairs.isEmpty() && random.nextInt(100) < 45) {
        Pair p = pairs.remove(random.nextInt(pairs.size()));
        tree.remove(p.score, p.positive);
      } else {
        Pair p = new Pair(VALUES[random.nextInt(VALUES.length)], random.nextBoolean());
        pairs.add(p);
        tree.add(p.score, p.positive);
      }
      if (step % 97 == 0) {
        assertAgrees(tree, pairs, VALUES[random.nextInt(VALUES.length)]);
        assertAgrees(roundTrip(tree), pairs, 0.5f);
      }
    }
  }

  @Test
  void largeTreeKeepsItsCountsThroughSplitsMergesAndRestores() throws IOException {
    Random random = new Random(7);
    ScoreLabelTree tree = new ScoreLabelTree();
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      Pair p = new Pair((random.nextInt(8192) - 4096) / 1024f, random.nextInt(3) == 0);
      pairs.add(p);
      tree.add(p.score, p.positive);
    }
    assertAgrees(tree, pairs, 0.3f);
    assertAgrees(roundTrip(tree), pairs, 0.3f);
    // Removing in score order empties the leaves one after the other, from the left.
    pairs.sort((a, b) -> Float.compare(a.score, b.score));
    while (!pairs.isEmpty()) {
      for (int i = 0; i < 1_000 && !pairs.isEmpty(); i++) {
        Pair p = pairs.remove(i % 2 == 0 ? 0 : random.nextInt(pairs.size()));
        tree.remove(p.score, p.positive);
      }
      assertAgrees(tree, pairs, 0.3f);
    }
    assertThat(tree.isEmpty()).isTrue();
  }

  @Test
  void negativeZeroTiesWithZero() {
    ScoreLabelTree tree = new ScoreLabelTree();
    tree.add(-0.0f, true);
    tree.add(0.0f, false);
    assertThat(tree.distinctScores()).isEqualTo(1);
    assertThat(BinaryMetrics.of(tree, 0.0f, 2).rocAuc()).isEqualTo(0.5);
    assertThat(tree.atOrAbove(0.0f)).isEqualTo(new ScoreLabelTree.Counts(1, 1));
    tree.remove(0.0f, true);
    assertThat(tree.positives()).isZero();
  }

  @Test
  void refusesNaNAndRemovingWhatIsNotThere() {
    ScoreLabelTree tree = new ScoreLabelTree();
    tree.add(0.5f, true);
    assertThatThrownBy(() -> tree.add(Float.NaN, true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.remove(0.5f, false)).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> tree.remove(0.7f, true)).isInstanceOf(NoSuchElementException.class);
    assertThat(tree.positives()).isEqualTo(1);
    assertThat(tree.atOrAbove(Float.NaN)).isEqualTo(new ScoreLabelTree.Counts(0, 0));
  }

  @Test
  void copyIsIndependent() {
    ScoreLabelTree tree = new ScoreLabelTree();
    tree.add(0.5f, true);
    ScoreLabelTree copy = tree.copy();
    tree.add(0.1f, false);
    copy.remove(0.5f, true);
    assertThat(tree.positives()).isEqualTo(1);
    assertThat(tree.negatives()).isEqualTo(1);
    assertThat(copy.isEmpty()).isTrue();
  }

  private static void assertAgrees(ScoreLabelTree tree, List<Pair> pairs, float threshold) {
    long p = pairs.stream().filter(Pair::positive).count();
    long tpAt = 0;
    long fpAt = 0;
    TreeMap<Float, long[]> byScore = new TreeMap<>();
    for (Pair a : pairs) {
      byScore.computeIfAbsent(a.score + 0.0f, k -> new long[2])[a.positive ? 0 : 1]++;
      if (a.score >= threshold) {
        if (a.positive) {
          tpAt++;
        } else {
          fpAt++;
        }
      }
    }
    long twiceU = 0; // each positive: 2 per negative below it, 1 per negative tied with it
    long negativesBelow = 0;
    for (long[] c : byScore.values()) {
      twiceU += c[0] * (2 * negativesBelow + c[1]);
      negativesBelow += c[1];
    }
    assertThat(tree.positives()).isEqualTo(p);
    assertThat(tree.negatives()).isEqualTo(pairs.size() - p);
    if (p > 0 && p < pairs.size()) {
      assertThat(BinaryMetrics.of(tree, threshold, 2).rocAuc())
          .isCloseTo(twiceU / (2.0 * p * (pairs.size() - p)), within(1e-15));
    }
    assertThat(tree.distinctScores()).isEqualTo(byScore.size());
    assertThat(tree.atOrAbove(threshold)).isEqualTo(new ScoreLabelTree.Counts(tpAt, fpAt));
    List<String> walked = new ArrayList<>();
    tree.forEachDescending((s, high, pos, neg) -> walked.add(s + ":" + pos + ":" + neg));
    List<String> expected = new ArrayList<>();
    byScore.descendingMap().forEach((s, c) -> expected.add(s + ":" + c[0] + ":" + c[1]));
    assertThat(walked).isEqualTo(expected);
  }

  private static ScoreLabelTree roundTrip(ScoreLabelTree tree) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    tree.writeTo(new DataOutputStream(bytes));
    return ScoreLabelTree.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ModelMetricsState.FORMAT);
  }
}
