package io.vigil.pipelines.replay;

/** What a feed yields: an event, or a label that is due now. */
public sealed interface FeedItem {

  /**
   * One event. {@code label} is its ground truth for the producer to send as feedback later
   * (a CSV's label column), or null when there is none or the feed sends its own {@link Label}s.
   */
  record Event(String entityId, String eventId, long timeMillis, float[] features, Boolean label) implements FeedItem {}

  /** A feedback label with its time and the entity of its event. */
  record Label(String entityId, String eventId, boolean anomalous, long timeMillis) implements FeedItem {}
}
