package io.vigil.pipelines.replay;

/** A source of events (and labels) for {@link EventProducer}: the synthetic generator or a CSV. */
public interface EventFeed {

  /** The next item in send order, or null when the feed is exhausted. */
  FeedItem next();
}
