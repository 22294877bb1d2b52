package io.vigil.pipelines.replay;

import io.vigil.pipelines.synthetic.SyntheticEvent;
import io.vigil.pipelines.synthetic.SyntheticLabel;
import io.vigil.pipelines.synthetic.SyntheticStream;

/** The endless synthetic stream as a feed: its events, and its own late, partial, duplicated labels. */
public final class SyntheticFeed implements EventFeed {

  private final SyntheticStream stream;

  public SyntheticFeed(SyntheticStream stream) {
    this.stream = stream;
  }

  @Override
  public FeedItem next() {
    SyntheticStream.Item item = stream.next();
    if (item.label() != null) {
      SyntheticLabel l = item.label();
      return new FeedItem.Label(l.eventId(), l.anomalous(), l.timeMillis());
    }
    SyntheticEvent e = item.event();
    return new FeedItem.Event(e.entityId(), e.eventId(), e.eventTimeMillis(), e.features(), null);
  }
}
