package io.vigil.operators.quality;

/**
 * A challenger's and its champion's scores of one labelled event: what {@link ChallengerComparison}
 * compares. A Flink POJO, internal between operators and never on the wire.
 */
public class LabelledPair {

  public String eventId;
  public String champion;
  public String championVersion;
  public String challenger;
  public String challengerVersion;
  public float championScore;
  public float challengerScore;
  /** Each model's score at or above its own threshold. */
  public boolean championPredicted;
  public boolean challengerPredicted;
  public boolean label;
  /** The later of the event's and the label's time, as for {@link LabelledModelScore#time}. */
  public long time;

  public LabelledPair() {}

  @Override
  public String toString() {
    return challenger + "@" + challengerVersion + " vs " + champion + "@" + championVersion + " on " + eventId;
  }
}
