package io.vigil.pipelines.replay;

import io.vigil.pipelines.synthetic.SyntheticEvent;
import io.vigil.pipelines.synthetic.SyntheticLabel;
import io.vigil.pipelines.synthetic.SyntheticStream;

/**
 * The endless synthetic stream as a feed: its events, and its own late, partial, duplicated labels
 * (a share of them flipped once a {@link LabelDegradation} starts, when one is given).
 */
public final class SyntheticFeed implements EventFeed {

  private final SyntheticStream stream;
  private final LabelDegradation degradation;
  private long firstLabelMillis = Long.MIN_VALUE;

  public SyntheticFeed(SyntheticStream stream) {
    this(stream, null);
  }

  /** @param degradation labels to flip, or null for none */
  public SyntheticFeed(SyntheticStream stream, LabelDegradation degradation) {
    this.stream = stream;
    this.degradation = degradation;
  }

  @Override
  public FeedItem next() {
    SyntheticStream.Item item = stream.next();
    if (item.label() != null) {
      SyntheticLabel l = item.label();
      if (firstLabelMillis == Long.MIN_VALUE) {
        firstLabelMillis = l.timeMillis();
      }
      boolean flip = degradation != null && degradation.flips(l.eventId(), l.timeMillis(), firstLabelMillis);
      return new FeedItem.Label(l.entityId(), l.eventId(), l.anomalous() != flip, l.timeMillis());
    }
    SyntheticEvent e = item.event();
    return new FeedItem.Event(e.entityId(), e.eventId(), e.eventTimeMillis(), e.features(), null);
  }
}
