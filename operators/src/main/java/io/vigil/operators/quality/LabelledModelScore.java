package io.vigil.operators.quality;

import java.util.Objects;

/**
 * One model's score of one labelled event: what {@link StreamingBinaryMetrics} counts. A Flink
 * POJO (public fields, no-arg constructor), internal between operators and never on the wire.
 */
public class LabelledModelScore {

  public String model;
  public String version;
  public float score;
  public float threshold;
  public boolean label;
  /** When the pair was complete in event time: the later of the event's and the label's time. */
  public long time;

  public LabelledModelScore() {}

  public LabelledModelScore(String model, String version, float score, float threshold, boolean label, long time) {
    this.model = model;
    this.version = version;
    this.score = score;
    this.threshold = threshold;
    this.label = label;
    this.time = time;
  }

  /**
   * What metrics are keyed by: model and version, so two versions of a model (before and after a
   * swap, or a champion and its re-trained challenger) never mix in one metric.
   */
  public String modelVersion() {
    return model + "@" + version;
  }

  /** The model name of a {@link #modelVersion()} key whose version is {@code version}; keys of plain model names stay as they are. */
  public static String modelOf(String key, String version) {
    String suffix = "@" + version;
    return version != null && key.endsWith(suffix) ? key.substring(0, key.length() - suffix.length()) : key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelledModelScore other
        && model.equals(other.model)
        && version.equals(other.version)
        && Float.compare(score, other.score) == 0
        && Float.compare(threshold, other.threshold) == 0
        && label == other.label
        && time == other.time;
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, version, score, threshold, label, time);
  }

  @Override
  public String toString() {
    return model + "@" + version + " score " + score + " (threshold " + threshold + ") label " + label + " at " + time;
  }
}
