package io.vigil.pipelines.replay;

import java.util.SplittableRandom;

/**
 * Labels gone bad on purpose, to show the quality-regression alarm: from {@code afterMillis} of
 * event time after a feed's first label on, a {@code share} of its labels is sent flipped. Which
 * ones is a function of the seed and the event id alone, so a run is reproducible.
 */
public record LabelDegradation(long afterMillis, double share, long seed) {

  public LabelDegradation {
    if (afterMillis < 0 || !(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("degradation must start at >= 0 ms and flip a share in [0, 1]; got "
          + afterMillis + " ms, " + share);
    }
  }

  /** Whether the label of this event, due at {@code timeMillis}, is sent flipped; {@code firstMillis}: the first label's time. */
  public boolean flips(String eventId, long timeMillis, long firstMillis) {
    return timeMillis - firstMillis >= afterMillis && share > 0
        && new SplittableRandom(seed ^ (eventId.hashCode() * 0xBF58476D1CE4E5B9L)).nextDouble() < share;
  }
}
