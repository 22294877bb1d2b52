package io.vigil.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Everything one model's metrics need: the labelled scores since the start (cumulative) and of the
 * sliding window, the threshold and version of the latest labelled score, and how many labelled
 * scores came too late for their window.
 *
 * <p>Memory: the cumulative tree keeps every distinct score ever labelled — exactness needs them
 * all — at 30 to 45 (at most about 90) bytes each: 30 to 45 MB per million. It is bounded
 * by the distinct values the model can emit (at most about 10^9 float32 values in [0, 1]); a model
 * whose graph rounds its score, e.g. to 1e-6, caps it at a million. The window adds 4 bytes per
 * pair in it and its own tree over the distinct scores in it.
 */
public final class ModelMetricsState {

  private final ScoreLabelTree cumulative;
  private SlidingScoreWindow window;
  private float threshold;
  private String version;
  private long lateScores;

  public ModelMetricsState(long windowSize, long windowSlide) {
    this(new ScoreLabelTree(), new SlidingScoreWindow(windowSize, windowSlide), Float.NaN, "", 0);
  }

  private ModelMetricsState(
      ScoreLabelTree cumulative, SlidingScoreWindow window, float threshold, String version, long lateScores) {
    this.cumulative = cumulative;
    this.window = window;
    this.threshold = threshold;
    this.version = version;
    this.lateScores = lateScores;
  }

  /** Counts one labelled score with event time {@code time} in both scopes (or as late). */
  public void add(long time, float score, boolean positive, float threshold, String version) {
    cumulative.add(score, positive);
    if (!window.add(time, score, positive)) {
      lateScores++;
    }
    this.threshold = threshold;
    this.version = version;
  }

  /**
   * Makes sure the window has this shape: a state restored under another window configuration
   * starts an empty window (the cumulative part is kept).
   */
  public void reshapeWindow(long windowSize, long windowSlide) {
    if (window.size() != windowSize || window.slide() != windowSlide) {
      window = new SlidingScoreWindow(windowSize, windowSlide);
    }
  }

  public ScoreLabelTree cumulative() {
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
    cumulative.writeTo(out);
    window.writeTo(out);
    out.writeFloat(threshold);
    out.writeUTF(version);
    out.writeLong(lateScores);
  }

  public static ModelMetricsState readFrom(DataInput in) throws IOException {
    return new ModelMetricsState(
        ScoreLabelTree.readFrom(in), SlidingScoreWindow.readFrom(in), in.readFloat(), in.readUTF(), in.readLong());
  }
}
