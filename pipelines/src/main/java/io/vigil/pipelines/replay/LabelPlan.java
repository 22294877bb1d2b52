package io.vigil.pipelines.replay;

import java.util.SplittableRandom;

/**
 * How a feed's ground-truth labels become feedback: each is sent {@code delayMillis} of event
 * time after its event, and a share of events is never labelled. Which ones is a function of the
 * seed and the event id alone, so a run is reproducible and a checker can tell which rows were
 * labelled.
 */
public record LabelPlan(long delayMillis, double unlabelledShare, long seed) {

  public LabelPlan {
    if (delayMillis < 0 || unlabelledShare < 0 || unlabelledShare > 1) {
      throw new IllegalArgumentException("label delay must be >= 0 and the unlabelled share in [0, 1]; got "
          + delayMillis + " ms, " + unlabelledShare);
    }
  }

  /** Whether the event with this id gets a label. */
  public boolean labelled(String eventId) {
    return unlabelledShare == 0 || new SplittableRandom(seed ^ (eventId.hashCode() * 0x9E3779B97F4A7C15L)).nextDouble() >= unlabelledShare;
  }
}
