package io.vigil.operators.quality;

import io.vigil.operators.SubtaskCount;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.wire.SchemaHistory;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The label join keyed by entity: both inputs keyed by entityId, so the scores, which leave the
 * scorer and the alert detector already partitioned by entity, need no second shuffle by eventId.
 * It decides, counts and reports exactly as {@link FeedbackJoin} (match iff |labelTime - eventTime|
 * <= TTL in any arrival order, first label wins, repeats recognised while remembered, every input
 * in one counter, unusable labels on {@link FeedbackJoin#ISSUES}); only what it costs differs.
 *
 * <p>State: an entity's eventIds live in event-time buckets (state namespaces) of a quarter TTL,
 * by the time each eventId is forgotten; each entry is a compact {@link JoinEntry} (a waiting
 * score without the ids and time the entry already holds). A bucket has
 * two timers per entity, not two per event: at its end minus the TTL the waits in it end, at its
 * end it is dropped whole. An entity's eventIds are found by looking into its few live buckets.
 * Small namespaces also keep the heap backend's copy-on-write cheap: after a snapshot, the first
 * write to a bucket copies that bucket's entries, not the entity's.
 *
 * <p>Decisions come from times, not from when a timer happens to run: an entry records the first
 * watermark at which its wait ends and at which it is forgotten (the record's time + TTL, resp. +
 * 2 TTL, or the next watermark when it came later than that), and every access first applies what
 * is due at the current watermark. So bucket timers may run up to a grain late without changing
 * any outcome; only unlabelled / unmatched are reported up to a grain later than by eventId.
 *
 * <p>Bounded: an entity holds at most {@code maxPerEntity} eventIds. Beyond, an entry of its oldest
 * bucket (forgotten soonest, to a grain) is evicted (counter {@code evicted}); what waited in it is
 * reported as its wait's end would have (unlabelled, or unmatched with its issue), so nothing is
 * lost silently; a label for an evicted score is then unmatched, a repeat no longer recognised. Gauges:
 * {@code heldEventIds} (this subtask) and {@code maxEventIdsPerEntity}.
 */
public class FeedbackJoinByEntity extends AbstractStreamOperator<LabelledScore>
    implements TwoInputStreamOperator<Score, Feedback, LabelledScore>, Triggerable<String, Long> {

  private static final long serialVersionUID = 1L;

  /** EventIds an entity may hold unless told otherwise: a label TTL's worth at about 70 events/s per entity. */
  public static final int DEFAULT_MAX_PER_ENTITY = 10_000;

  /** Buckets per TTL: finer means smaller copies and earlier cleanup, coarser fewer buckets to look into. */
  private static final int BUCKETS_PER_TTL = 4;

  private static final long NO_BUCKET = Long.MIN_VALUE;

  private final long ttl;
  private final long grain;
  private final int maxPerEntity;

  private transient InternalMapState<String, Long, String, byte[]> entries;
  private transient ValueState<long[]> buckets;
  private transient InternalTimerService<Long> timers;
  private transient ListState<Long> storedWatermark;
  /** The watermark reached before a restore: what was due then stays due until the watermark passes it again. */
  private transient long restoredWatermark;
  private transient WireCodec<Score> scoreCodec;
  private transient WireCodec<Feedback> labelCodec;
  private transient JoinOutcomes outcomes;
  private transient TimestampedCollector<LabelledScore> labelled;
  private transient SubtaskCount held;
  private transient Counter evicted;
  private transient StreamRecord<?> cause;

  public FeedbackJoinByEntity(Duration ttl) {
    this(ttl, DEFAULT_MAX_PER_ENTITY);
  }

  public FeedbackJoinByEntity(Duration ttl, int maxPerEntity) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("feedback TTL must be positive, got " + ttl);
    }
    if (maxPerEntity < 1) {
      throw new IllegalArgumentException("at least one eventId per entity, got " + maxPerEntity);
    }
    this.ttl = ttl.toMillis();
    this.grain = Math.max(1, this.ttl / BUCKETS_PER_TTL);
    this.maxPerEntity = maxPerEntity;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    held = SubtaskCount.restore(context.getOperatorStateStore(), "held-event-ids");
    storedWatermark = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("watermark", Types.LONG));
    restoredWatermark = Long.MIN_VALUE;
    for (Long w : storedWatermark.get()) {
      restoredWatermark = Math.max(restoredWatermark, w);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    held.snapshot();
    storedWatermark.update(List.of(watermark()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open() throws Exception {
    super.open();
    entries = (InternalMapState<String, Long, String, byte[]>) getOrCreateKeyedState(LongSerializer.INSTANCE,
        new MapStateDescriptor<>("labels-by-bucket", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    buckets = getRuntimeContext().getState(new ValueStateDescriptor<>("label-buckets", long[].class));
    timers = getInternalTimerService("label-buckets", LongSerializer.INSTANCE, this);
    scoreCodec = new WireCodec<>(Score.getClassSchema(), SchemaHistory.of("Score"));
    labelCodec = new WireCodec<>(Feedback.getClassSchema(), SchemaHistory.of("Feedback"));
    outcomes = new JoinOutcomes(ttl, getMetricGroup());
    labelled = new TimestampedCollector<>(output);
    evicted = getMetricGroup().counter("evicted");
    getMetricGroup().gauge("heldEventIds", (Gauge<Long>) held::get);
    getMetricGroup().gauge("maxEventIdsPerEntity", (Gauge<Integer>) () -> maxPerEntity);
  }

  @Override
  public void processElement1(StreamRecord<Score> element) throws Exception {
    stampFrom(element);
    Score score = element.getValue();
    output.collect(FeedbackJoin.SCORES, element);
    Found found = find(score.getEventId());
    JoinEntry e = found.entry;
    if (e.scoreTime != JoinEntry.NONE) {
      outcomes.duplicateScore();
      store(found);
      return;
    }
    long time = score.getEventTime().toEpochMilli();
    e.scoreTime = time;
    e.keepUntil(due(time + 2 * ttl));
    Feedback waiting = e.waiting == JoinEntry.LABEL ? labelCodec.decode(e.payload).value() : null;
    e.stopWaiting();
    if (waiting == null || !outcomes.resolve(score, waiting, labelled::collect, this::issue)) {
      e.waitFor(JoinEntry.SCORE, encodeWaiting(score), due(time + ttl)); // in vain if a label was already taken
    }
    store(found);
  }

  @Override
  public void processElement2(StreamRecord<Feedback> element) throws Exception {
    stampFrom(element);
    Feedback label = element.getValue();
    Found found = find(label.getEventId());
    JoinEntry e = found.entry;
    if (e.labelTaken) {
      outcomes.duplicateLabel(label, this::issue);
    } else {
      e.labelTaken = true;
      if (e.waiting == JoinEntry.SCORE) {
        if (outcomes.resolve(decodeWaiting(e, label.getEventId()), label, labelled::collect, this::issue)) {
          e.stopWaiting();
        }
      } else if (e.scoreTime != JoinEntry.NONE) {
        outcomes.expired(label, this::issue); // the score's wait is over
      } else {
        long time = label.getTime().toEpochMilli();
        e.waitFor(JoinEntry.LABEL, labelCodec.encode(label), due(time + ttl));
        e.keepUntil(due(time + 2 * ttl));
      }
    }
    store(found);
  }

  /** A bucket's waits end (at its end - TTL) or the bucket is dropped (at its end). */
  @Override
  public void onEventTime(InternalTimer<String, Long> timer) throws Exception {
    labelled.setAbsoluteTimestamp(timer.getTimestamp());
    cause = new StreamRecord<>(null, timer.getTimestamp());
    long bucket = timer.getNamespace();
    long watermark = watermark();
    boolean drop = timer.getTimestamp() >= end(bucket);
    entries.setCurrentNamespace(bucket);
    List<Map.Entry<String, byte[]>> settled = new ArrayList<>();
    Iterable<Map.Entry<String, byte[]>> all = entries.entries();
    for (Map.Entry<String, byte[]> entry : all == null ? List.<Map.Entry<String, byte[]>>of() : all) {
      if (JoinEntry.waitOver(entry.getValue(), watermark)) {
        JoinEntry e = JoinEntry.read(entry.getValue());
        endWait(e);
        settled.add(Map.entry(entry.getKey(), e.toBytes()));
      }
    }
    if (drop) {
      long[] live = bucketsOfKey();
      long count = EntityBuckets.count(live, bucket);
      entries.clear();
      held.add(-count);
      update(EntityBuckets.drop(live, bucket));
    } else {
      for (Map.Entry<String, byte[]> entry : settled) {
        entries.put(entry.getKey(), entry.getValue());
      }
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<String, Long> timer) {}

  /** An eventId's entry and the bucket it was found in (NO_BUCKET for a new one). */
  private record Found(String eventId, JoinEntry entry, long bucket) {}

  /** The eventId's entry as of the current watermark (what is due applied), or a new one. */
  private Found find(String eventId) throws Exception {
    long watermark = watermark();
    long[] live = bucketsOfKey();
    for (int i = 0; i < live.length; i += 2) {
      entries.setCurrentNamespace(live[i]);
      byte[] bytes = entries.get(eventId);
      if (bytes == null) {
        continue;
      }
      JoinEntry e = JoinEntry.read(bytes);
      if (e.waitDue <= watermark) {
        endWait(e);
      }
      if (e.forgetDue > watermark) {
        return new Found(eventId, e, live[i]);
      }
      remove(live[i], eventId);
      break;
    }
    return new Found(eventId, new JoinEntry(), NO_BUCKET);
  }

  /** Writes the entry into the bucket of its forget time, moving it there if that changed. */
  private void store(Found found) throws Exception {
    JoinEntry e = found.entry;
    long bucket = Math.floorDiv(e.forgetDue, grain);
    if (found.bucket != bucket) {
      if (found.bucket != NO_BUCKET) {
        remove(found.bucket, found.eventId);
      }
      update(EntityBuckets.add(bucketsOfKey(), bucket, 1));
      held.increment();
      timers.registerEventTimeTimer(bucket, end(bucket));
    }
    if (e.waiting != JoinEntry.NOTHING) {
      timers.registerEventTimeTimer(bucket, end(bucket) - ttl);
    }
    entries.setCurrentNamespace(bucket);
    entries.put(found.eventId, e.toBytes());
    if (found.bucket == NO_BUCKET) {
      enforceLimit(found.eventId);
    }
  }

  /** Evicts an entry of the oldest bucket if the entity holds more than its limit (never {@code kept}, just added). */
  private void enforceLimit(String kept) throws Exception {
    long[] live = bucketsOfKey();
    if (EntityBuckets.total(live) <= maxPerEntity) {
      return;
    }
    for (int i = 0; i < live.length; i += 2) {
      entries.setCurrentNamespace(live[i]);
      for (Iterator<String> ids = entries.keys().iterator(); ids.hasNext(); ) {
        String id = ids.next();
        if (!id.equals(kept)) {
          JoinEntry victim = JoinEntry.read(entries.get(id));
          if (victim.waiting != JoinEntry.NOTHING) {
            endWait(victim);
          }
          remove(live[i], id);
          evicted.inc();
          return;
        }
      }
    }
  }

  /**
   * A waiting score's bytes without what its entry knows anyway (eventId: the entry's key; entityId:
   * the state key; eventTime: the entry's scoreTime): a fifth less state per waiting score.
   */
  private byte[] encodeWaiting(Score score) {
    return scoreCodec.encode(new Score("", "", Instant.EPOCH, score.getScores(), score.getScoredAt()));
  }

  private Score decodeWaiting(JoinEntry e, String eventId) {
    Score score = scoreCodec.decode(e.payload).value();
    score.setEventId(eventId);
    score.setEntityId((String) getCurrentKey());
    score.setEventTime(Instant.ofEpochMilli(e.scoreTime));
    return score;
  }

  /** The waiting record's wait is over: a score went unlabelled, a label unmatched. */
  private void endWait(JoinEntry e) {
    if (e.waiting == JoinEntry.SCORE) {
      outcomes.unlabelled();
    } else if (e.waiting == JoinEntry.LABEL) {
      outcomes.unmatched(labelCodec.decode(e.payload).value(), this::issue);
    }
    e.stopWaiting();
  }

  private void remove(long bucket, String eventId) throws Exception {
    entries.setCurrentNamespace(bucket);
    entries.remove(eventId);
    update(EntityBuckets.add(bucketsOfKey(), bucket, -1));
    held.decrement();
  }

  private long[] bucketsOfKey() throws Exception {
    long[] live = buckets.value();
    return live == null ? EntityBuckets.EMPTY : live;
  }

  private void update(long[] live) throws Exception {
    if (live.length == 0) {
      buckets.clear();
    } else {
      buckets.update(live);
    }
  }

  /**
   * The first watermark at which something due at event time {@code time} has happened: a timer
   * registered for a time the watermark has already reached runs at the next watermark.
   */
  private long due(long time) {
    long watermark = watermark();
    return Math.max(time, watermark == Long.MAX_VALUE ? watermark : watermark + 1);
  }

  private long watermark() {
    return Math.max(timers.currentWatermark(), restoredWatermark);
  }

  private long end(long bucket) {
    return bucket * grain + grain - 1;
  }

  private void stampFrom(StreamRecord<?> element) {
    labelled.setTimestamp(element);
    cause = element;
  }

  private void issue(FeedbackIssue issue) {
    output.collect(FeedbackJoin.ISSUES,
        cause.hasTimestamp() ? new StreamRecord<>(issue, cause.getTimestamp()) : new StreamRecord<>(issue));
  }
}
