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
