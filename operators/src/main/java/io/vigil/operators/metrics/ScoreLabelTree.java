package io.vigil.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A multiset of (score, label) pairs ordered by score: a counted B+ tree whose leaves hold the
 * distinct scores with their positive and negative counts, and whose inner nodes hold each child's
 * subtree totals. Adding or removing one pair costs O(log n) (n = distinct scores); so does
 * counting the pairs at or above a threshold. ROC-AUC, average precision and curves come from one
 * descending walk, O(n) ({@link BinaryMetrics}).
 *
 * <p>Why a B+ tree rather than a binary tree: with up to 64 sorted entries per node the tree is 3
 * to 5 levels deep for a million scores, each level a cache-friendly array search, and a walk reads
 * the leaves' arrays in order — a binary tree chases a pointer, and misses the cache, per score.
 *
 * <p>Scores are compared as floats, exactly as scikit-learn compares them: -0.0 equals 0.0 and NaN
 * is refused.
 *
 * <p>Memory: a leaf takes about 1.4 KB and holds up to 64 distinct scores. Nodes split in halves
 * when full and merge with a neighbour when the two fit in half a node, so any two neighbours hold
 * more than 32 entries: on average more than 16 per node, which bounds the tree at about 90 bytes
 * per distinct score. Measured: 30 bytes when scores arrive in random order, 42 in sorted order.
 *
 * <p>Not thread-safe.
 */
public final class ScoreLabelTree implements ScoreEntries {

  /** Bytes of a leaf and of an inner node (compressed references), for {@link #heapBytes}. */
  private static final long LEAF_BYTES = 32 + 280 + 2 * 536;
  private static final long INNER_BYTES = LEAF_BYTES + 280;

  /** Positives and negatives of some subset of the pairs. */
  public record Counts(long positives, long negatives) {}

  private static final int CAPACITY = 64;
  /** Entries per node when bulk-loading: room to grow before the first splits. */
  private static final int LOAD = CAPACITY * 3 / 4;

  /**
   * Sorted entries. In a leaf: scores (as {@link #sortable} ints) and their counts. In an inner
   * node: keys[i] is a lower bound of child i's scores (keys[0] unused), pos[i] and neg[i] its
   * totals. One slot beyond CAPACITY takes the entry that makes a node split.
   */
  private static final class Node {
    int size;
    final int[] keys = new int[CAPACITY + 1];
    final long[] pos = new long[CAPACITY + 1];
    final long[] neg = new long[CAPACITY + 1];
    final Node[] children;

    Node(boolean leaf) {
      children = leaf ? null : new Node[CAPACITY + 1];
    }

    boolean isLeaf() {
      return children == null;
    }
  }

  private Node root = new Node(true);
  private long positives;
  private long negatives;
  private int distinct;
  private Node[] pathNodes = new Node[8]; // the last descent: inner nodes and the child taken
  private int[] pathChild = new int[8];

  public void add(float score, boolean positive) {
    update(score, positive, 1);
  }

  /** Removes one pair that was added; throws NoSuchElementException if there is none. */
  public void remove(float score, boolean positive) {
    update(score, positive, -1);
  }

  @Override
  public long positives() {
    return positives;
  }

  @Override
  public long negatives() {
    return negatives;
  }

  public int distinctScores() {
    return distinct;
  }

  @Override
  public int entries() {
    return distinct;
  }

  @Override
  public long heapBytes() {
    return 48 + nodeBytes(root);
  }

  public boolean isEmpty() {
    return distinct == 0;
  }

  /** Pairs whose score is {@code >= threshold}: the ones predicted positive at that threshold. */
  public Counts atOrAbove(float threshold) {
    if (Float.isNaN(threshold)) {
      return new Counts(0, 0); // no score is >= NaN
    }
    int k = sortable(threshold);
    long p = 0;
    long n = 0;
    Node node = root;
    while (!node.isLeaf()) {
      int i = childIndex(node, k);
      p += sum(node.pos, i + 1, node.size);
      n += sum(node.neg, i + 1, node.size);
      node = node.children[i];
    }
    int j = Arrays.binarySearch(node.keys, 0, node.size, k);
    int from = j >= 0 ? j : -j - 1;
    return new Counts(p + sum(node.pos, from, node.size), n + sum(node.neg, from, node.size));
  }

  /** Visits every distinct score, highest first (each entry is one score: low = high). */
  @Override
  public void forEachDescending(EntryVisitor visitor) {
    walkDescending(root, visitor);
  }

  public ScoreLabelTree copy() {
    ScoreLabelTree c = new ScoreLabelTree();
    c.root = copy(root);
    c.positives = positives;
    c.negatives = negatives;
    c.distinct = distinct;
    return c;
  }

  /** Writes the distinct scores in ascending order with their counts (varints: mostly 1 byte). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(distinct);
    writeAscending(root, out);
  }

  /**
   * Reads what {@link #writeTo} wrote, bulk-loading the tree level by level in O(n). Format 1
   * (before {@link ModelMetricsState#FORMAT}) also held the Mann–Whitney sum, now computed at
   * each snapshot: it is skipped.
   */
  public static ScoreLabelTree readFrom(DataInput in, int format) throws IOException {
    return readEntries(in, in.readInt(), format);
  }

  /** {@link #readFrom} after the count {@code n} was read. */
  static ScoreLabelTree readEntries(DataInput in, int n, int format) throws IOException {
    ScoreLabelTree tree = new ScoreLabelTree();
    if (format == 1) {
      in.readLong();
    }
    tree.distinct = n;
    List<Node> level = new ArrayList<>();
    Node leaf = new Node(true);
    for (int i = 0; i < n; i++) {
      if (leaf.size == LOAD) {
        level.add(leaf);
        leaf = new Node(true);
      }
      int k = in.readInt();
      long p = readVarLong(in);
      long q = readVarLong(in);
      append(leaf, k, p, q, null);
      tree.positives += p;
      tree.negatives += q;
    }
    level.add(leaf);
    while (level.size() > 1) {
      List<Node> parents = new ArrayList<>();
      Node parent = new Node(false);
      for (Node child : level) {
        if (parent.size == LOAD) {
          parents.add(parent);
          parent = new Node(false);
        }
        append(parent, child.keys[0], sum(child.pos, 0, child.size), sum(child.neg, 0, child.size), child);
      }
      parents.add(parent);
      level = parents;
    }
    tree.root = level.get(0);
    return tree;
  }

  private void update(float score, boolean positive, long delta) {
    int k = sortable(score);
    int depth = 0;
    Node node = root;
    while (!node.isLeaf()) {
      int i = childIndex(node, k);
      if (depth == pathNodes.length) {
        pathNodes = Arrays.copyOf(pathNodes, depth * 2);
        pathChild = Arrays.copyOf(pathChild, depth * 2);
      }
      pathNodes[depth] = node;
      pathChild[depth++] = i;
      node = node.children[i];
    }
    long[] same = positive ? node.pos : node.neg;
    int j = Arrays.binarySearch(node.keys, 0, node.size, k);
    if (delta < 0 && (j < 0 || same[j] == 0)) {
      throw new NoSuchElementException("no pair (" + score + ", " + positive + ") to remove");
    }
    if (positive) {
      positives += delta;
    } else {
      negatives += delta;
    }
    for (int d = 0; d < depth; d++) {
      (positive ? pathNodes[d].pos : pathNodes[d].neg)[pathChild[d]] += delta;
    }
    if (j < 0) {
      insertAt(node, -j - 1, k, positive ? delta : 0, positive ? 0 : delta, null);
      distinct++;
      splitUpward(node, depth);
    } else {
      same[j] += delta;
      if (node.pos[j] == 0 && node.neg[j] == 0) {
        removeAt(node, j);
        distinct--;
        mergeUpward(node, depth);
      }
    }
  }

  /** Splits an overfull node in halves, and its parents in turn; path[0..depth) leads to it. */
  private void splitUpward(Node node, int depth) {
    for (int d = depth - 1; node.size > CAPACITY; d--) {
      Node right = new Node(node.isLeaf());
      int half = node.size / 2;
      for (int i = half; i < node.size; i++) {
        append(right, node.keys[i], node.pos[i], node.neg[i], node.isLeaf() ? null : node.children[i]);
      }
      if (!node.isLeaf()) {
        Arrays.fill(node.children, half, node.size, null); // let merged-away nodes be collected
      }
      node.size = half;
      long rightPos = sum(right.pos, 0, right.size);
      long rightNeg = sum(right.neg, 0, right.size);
      if (d < 0) {
        Node top = new Node(false);
        append(top, node.keys[0], positives - rightPos, negatives - rightNeg, node);
        append(top, right.keys[0], rightPos, rightNeg, right);
        root = top;
        return;
      }
      Node parent = pathNodes[d];
      int i = pathChild[d];
      parent.pos[i] -= rightPos;
      parent.neg[i] -= rightNeg;
      insertAt(parent, i + 1, right.keys[0], rightPos, rightNeg, right);
      node = parent;
    }
  }

  /**
   * After a node lost an entry: drops it if empty, else merges it with a neighbour when the two
   * fit in half a node; the parent, having lost a child, is checked in turn. Keeps any two
   * neighbours above half a node together, which bounds the memory per entry.
   */
  private void mergeUpward(Node node, int depth) {
    for (int d = depth - 1; d >= 0; d--) {
      Node parent = pathNodes[d];
      int i = pathChild[d];
      int before = parent.size;
      if (node.size == 0) {
        removeAt(parent, i);
      } else {
        if (i > 0 && parent.children[i - 1].size + node.size <= CAPACITY / 2) {
          mergeChildren(parent, --i);
        }
        if (i + 1 < parent.size && parent.children[i].size + parent.children[i + 1].size <= CAPACITY / 2) {
          mergeChildren(parent, i);
        }
      }
      if (parent.size == before) {
        break;
      }
      node = parent;
    }
    while (!root.isLeaf() && root.size == 1) {
      root = root.children[0];
    }
  }

  /** Moves child i + 1's entries into child i. */
  private static void mergeChildren(Node parent, int i) {
    Node left = parent.children[i];
    Node right = parent.children[i + 1];
    for (int j = 0; j < right.size; j++) {
      append(left, right.keys[j], right.pos[j], right.neg[j], right.isLeaf() ? null : right.children[j]);
    }
    parent.pos[i] += parent.pos[i + 1];
    parent.neg[i] += parent.neg[i + 1];
    removeAt(parent, i + 1);
  }

  private static void append(Node node, int key, long pos, long neg, Node child) {
    insertAt(node, node.size, key, pos, neg, child);
  }

  private static void insertAt(Node node, int at, int key, long pos, long neg, Node child) {
    int tail = node.size - at;
    System.arraycopy(node.keys, at, node.keys, at + 1, tail);
    System.arraycopy(node.pos, at, node.pos, at + 1, tail);
    System.arraycopy(node.neg, at, node.neg, at + 1, tail);
    node.keys[at] = key;
    node.pos[at] = pos;
    node.neg[at] = neg;
    if (child != null) {
      System.arraycopy(node.children, at, node.children, at + 1, tail);
      node.children[at] = child;
    }
    node.size++;
  }

  private static void removeAt(Node node, int at) {
    int tail = node.size - at - 1;
    System.arraycopy(node.keys, at + 1, node.keys, at, tail);
    System.arraycopy(node.pos, at + 1, node.pos, at, tail);
    System.arraycopy(node.neg, at + 1, node.neg, at, tail);
    node.size--;
    if (!node.isLeaf()) {
      System.arraycopy(node.children, at + 1, node.children, at, tail);
      node.children[node.size] = null;
    }
  }

  /** The child whose range holds k: the last i with keys[i] <= k (keys[0] counts as -infinity). */
  private static int childIndex(Node node, int k) {
    int lo = 1;
    int hi = node.size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (node.keys[mid] <= k) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  private static long sum(long[] values, int from, int to) {
    long s = 0;
    for (int i = from; i < to; i++) {
      s += values[i];
    }
    return s;
  }

  private static long nodeBytes(Node node) {
    if (node.isLeaf()) {
      return LEAF_BYTES;
    }
    long bytes = INNER_BYTES;
    for (int i = 0; i < node.size; i++) {
      bytes += nodeBytes(node.children[i]);
    }
    return bytes;
  }

  private static void walkDescending(Node node, EntryVisitor visitor) {
    for (int i = node.size - 1; i >= 0; i--) {
      if (node.isLeaf()) {
        float score = score(node.keys[i]);
        visitor.visit(score, score, node.pos[i], node.neg[i]);
      } else {
        walkDescending(node.children[i], visitor);
      }
    }
  }

  private static void writeAscending(Node node, DataOutput out) throws IOException {
    for (int i = 0; i < node.size; i++) {
      if (node.isLeaf()) {
        out.writeInt(node.keys[i]);
        writeVarLong(out, node.pos[i]);
        writeVarLong(out, node.neg[i]);
      } else {
        writeAscending(node.children[i], out);
      }
    }
  }

  private static Node copy(Node node) {
    Node c = new Node(node.isLeaf());
    c.size = node.size;
    System.arraycopy(node.keys, 0, c.keys, 0, node.size);
    System.arraycopy(node.pos, 0, c.pos, 0, node.size);
    System.arraycopy(node.neg, 0, c.neg, 0, node.size);
    for (int i = 0; !node.isLeaf() && i < node.size; i++) {
      c.children[i] = copy(node.children[i]);
    }
    return c;
  }

  /** Float bits mapped to ints with the same order (-0.0 folded onto 0.0, NaN refused). */
  static int sortable(float score) {
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score is NaN");
    }
    int bits = Float.floatToRawIntBits(score + 0.0f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  static float score(int sortable) {
    return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
  }

  static void writeVarLong(DataOutput out, long v) throws IOException {
    while ((v & ~0x7fL) != 0) {
      out.writeByte((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readVarLong(DataInput in) throws IOException {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.readByte();
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }
}
