package io.vigil.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Everything one model's metrics need: the labelled scores since the start (cumulative) and of the
 * sliding window, the threshold and version of the latest labelled score, and how many labelled
 * scores came too late for their window.
 *
 * <p>Memory: the cumulative scope is a {@link BoundedScoreLabels} of at most {@code maxDistinct}
 * entries, at most about 90 bytes each (24 per merged bucket, 30 to 45 per distinct score in the
 * tree): under 6 MiB with the default 65 536, whatever the volume. Exact below the budget, with
 * proven intervals above. The window adds 4 bytes per pair in it and its own exact tree over the
 * distinct scores in it (bounded by the window's pairs).
 *
 * <p>Serialized form: format {@link #FORMAT}, written as a negative int first. Format 1 (before the
 * budget: the cumulative scope as an unbounded tree) began with the tree's non-negative size; it is
 * still read, and merged down to the budget on restore.
 */
public final class ModelMetricsState {

  /** Version of the serialized form. */
  public static final int FORMAT = 2;

  /** Default budget of the cumulative scope (entries). */
  public static final int DEFAULT_MAX_DISTINCT = 65_536;

  private final BoundedScoreLabels cumulative;
  private SlidingScoreWindow window;
  private float threshold;
  private String version;
  private long lateScores;

  public ModelMetricsState(long windowSize, long windowSlide, int maxDistinct) {
    this(new BoundedScoreLabels(maxDistinct), new SlidingScoreWindow(windowSize, windowSlide), Float.NaN, "", 0);
  }

  private ModelMetricsState(
      BoundedScoreLabels cumulative, SlidingScoreWindow window, float threshold, String version, long lateScores) {
    this.cumulative = cumulative;
    this.window = window;
    this.threshold = threshold;
    this.version = version;
    this.lateScores = lateScores;
  }

  /** Counts one labelled score with event time {@code time} in both scopes (or as late). */
  public void add(long time, float score, boolean positive, float threshold, String version) {
    if (Float.compare(threshold, this.threshold) != 0) {
      cumulative.keepEdgeAt(threshold);
    }
    cumulative.add(score, positive);
    if (!window.add(time, score, positive)) {
      lateScores++;
    }
    this.threshold = threshold;
    this.version = version;
  }

  /**
   * Makes sure the state has this configuration: a state restored under another window shape
   * starts an empty window (the cumulative part is kept); another budget applies at once.
   */
  public void reconfigure(long windowSize, long windowSlide, int maxDistinct) {
    if (window.size() != windowSize || window.slide() != windowSlide) {
      window = new SlidingScoreWindow(windowSize, windowSlide);
    }
    if (cumulative.maxEntries() != maxDistinct) {
      cumulative.limitTo(maxDistinct);
    }
  }

  public BoundedScoreLabels cumulative() {
    return cumulative;
  }

  public SlidingScoreWindow window() {
    return window;
  }

  /** Threshold of the latest labelled score; NaN before the first. */
  public float threshold() {
    return threshold;
  }

  public String version() {
    return version;
  }

  public long lateScores() {
    return lateScores;
  }

  public ModelMetricsState copy() {
    return new ModelMetricsState(cumulative.copy(), window.copy(), threshold, version, lateScores);
  }

  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(-FORMAT);
    cumulative.writeTo(out);
    window.writeTo(out);
    out.writeFloat(threshold);
    out.writeUTF(version);
    out.writeLong(lateScores);
  }

  /** Reads format 2, or format 1 (merged down to the default budget; the operator re-applies its own). */
  public static ModelMetricsState readFrom(DataInput in) throws IOException {
    int head = in.readInt();
    if (head >= 0) {
      ScoreLabelTree old = ScoreLabelTree.readEntries(in, head, 1);
      BoundedScoreLabels cumulative = BoundedScoreLabels.of(old, Math.max(DEFAULT_MAX_DISTINCT, old.distinctScores()));
      return finish(cumulative, SlidingScoreWindow.readFrom(in, 1), in);
    }
    if (head != -FORMAT) {
      throw new IOException("unknown metrics state format " + -head + " (this version reads 1 and " + FORMAT + ")");
    }
    return finish(BoundedScoreLabels.readFrom(in), SlidingScoreWindow.readFrom(in, FORMAT), in);
  }

  private static ModelMetricsState finish(BoundedScoreLabels cumulative, SlidingScoreWindow window, DataInput in)
      throws IOException {
    ModelMetricsState s = new ModelMetricsState(cumulative, window, in.readFloat(), in.readUTF(), in.readLong());
    if (!Float.isNaN(s.threshold)) {
      cumulative.keepEdgeAt(s.threshold);
    }
    return s;
  }
}
