package io.vigil.operators.quality;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.wire.SchemaHistory;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins scores with their late ground-truth labels, keyed by eventId; either side may come first.
 *
 * <p>Times are the records' own event times (Score.eventTime, Feedback.time); derive the
 * watermarks of both inputs from the same fields. A score waits for its label until its time +
 * TTL, a label for its score until its time + TTL, so they match iff |labelTime - eventTime| <=
 * TTL — decided from the two times alone, whatever order they arrive in. After its wait an
 * eventId is remembered one more TTL, so that repeats and late labels are recognised; then it is
 * forgotten (state per eventId lives at most 2 TTL of event time).
 *
 * <p>Every input is accounted for, in a counter of this operator's metric group:
 *
 * <ul>
 *   <li>{@code matched}: a labelled score was emitted;
 *   <li>{@code unmatched}: a label found no score within the TTL (an unknown event, or a score
 *       that came more than TTL after the label);
 *   <li>{@code expired}: a label came more than TTL after its score;
 *   <li>{@code duplicateLabels}: a second label for an eventId (the first one wins);
 *   <li>{@code duplicateScores}: a second score for an eventId (the first one wins);
 *   <li>{@code unlabelled}: a score whose wait ended without a label (normal: most events are
 *       never labelled).
 * </ul>
 *
 * <p>Unusable labels (unmatched, expired, duplicate) also go, whole and with the reason, to the
 * side output {@link #ISSUES}: nothing a labeller sent is lost silently.
 */
public class FeedbackJoin extends KeyedCoProcessFunction<String, Score, Feedback, LabelledScore> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<FeedbackIssue> ISSUES =
      new OutputTag<>("feedback-issues", new AvroTypeInfo<>(FeedbackIssue.class));

  /**
   * Every score received, forwarded as it arrives (duplicates included): the scores sink reads it
   * here, chained to the join, so a score crosses one network edge after the scorer instead of
   * two, and an exactly-once sink's flush at each checkpoint pauses the join, not the alerts.
   */
  public static final OutputTag<Score> SCORES = new OutputTag<>("scores", new AvroTypeInfo<>(Score.class));

  private static final long NONE = Long.MIN_VALUE;

  private final long ttl;

  private transient ValueState<JoinState> state;
  private transient WireCodec<Score> codec;
  private transient JoinOutcomes outcomes;

  public FeedbackJoin(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("feedback TTL must be positive, got " + ttl);
    }
    this.ttl = ttl.toMillis();
  }

  /** What one eventId has seen: a POJO of Avro records, serialized by Flink's POJO and Avro serializers. */
  public static final class JoinState {
    /**
     * The first score while it waits for its label, Avro-encoded; null once matched or its wait
     * is over. Bytes, not the record: every checkpoint copies all waiting scores, and copying
     * bytes is far cheaper than re-serializing records (measured: the join's state snapshot was
     * the job's top cost). Decoded once, when its label comes. The bytes carry their writer
     * schema's fingerprint, and the codec knows Score's earlier schemas ({@link SchemaHistory}):
     * scores written before a compatible change of Score still decode after a restore.
     */
    public byte[] score;
    /** Event time of the first score, kept after it stopped waiting; NONE if no score came. */
    public long scoreTime = NONE;
    /** The first label while it waits for its score; null once resolved. */
    public Feedback label;
    /** A label was taken for this eventId: any further label is a duplicate. */
    public boolean labelTaken;
    /** Event time at which everything about this eventId is forgotten. */
    public long forgetAt = NONE;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = new WireCodec<>(Score.getClassSchema(), SchemaHistory.of("Score"));
    state = getRuntimeContext().getState(
        new ValueStateDescriptor<>("feedback-join", TypeInformation.of(JoinState.class)));
    outcomes = new JoinOutcomes(ttl, getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement1(Score score, Context ctx, Collector<LabelledScore> out) throws Exception {
    ctx.output(SCORES, score);
    JoinState s = current();
    if (s.scoreTime != NONE) {
      outcomes.duplicateScore();
      return;
    }
    long time = score.getEventTime().toEpochMilli();
    s.scoreTime = time;
    waitFrom(s, time, ctx);
    Feedback waiting = s.label;
    s.label = null;
    if (waiting == null || !resolve(score, waiting, ctx, out)) {
      s.score = codec.encode(score); // waits for a first label; in vain if one was already taken
    }
    state.update(s);
  }

  @Override
  public void processElement2(Feedback label, Context ctx, Collector<LabelledScore> out) throws Exception {
    JoinState s = current();
    if (s.labelTaken) {
      outcomes.duplicateLabel(label, issues(ctx));
      return;
    }
    s.labelTaken = true;
    if (s.score != null) {
      if (resolve(codec.decode(s.score).value(), label, ctx, out)) {
        s.score = null;
      }
    } else if (s.scoreTime != NONE) {
      outcomes.expired(label, issues(ctx)); // the score's wait is over
    } else {
      s.label = label;
      waitFrom(s, label.getTime().toEpochMilli(), ctx);
    }
    state.update(s);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabelledScore> out) throws Exception {
    JoinState s = state.value();
    if (s == null) {
      return;
    }
    if (s.score != null && timestamp >= s.scoreTime + ttl) {
      outcomes.unlabelled();
      s.score = null;
    }
    if (s.label != null && timestamp >= s.label.getTime().toEpochMilli() + ttl) {
      outcomes.unmatched(s.label, issues(ctx));
      s.label = null;
    }
    if (timestamp >= s.forgetAt) {
      state.clear();
    } else {
      state.update(s);
    }
  }

  private boolean resolve(Score score, Feedback label, Context ctx, Collector<LabelledScore> out) {
    return outcomes.resolve(score, label, out::collect, issues(ctx));
  }

  private static Consumer<FeedbackIssue> issues(Context ctx) {
    return issue -> ctx.output(ISSUES, issue);
  }

  /** A side that arrived at {@code time} waits until time + TTL and is remembered until time + 2 TTL. */
  private void waitFrom(JoinState s, long time, Context ctx) {
    ctx.timerService().registerEventTimeTimer(time + ttl);
    s.forgetAt = Math.max(s.forgetAt, time + 2 * ttl);
    ctx.timerService().registerEventTimeTimer(s.forgetAt);
  }

  private JoinState current() throws Exception {
    JoinState s = state.value();
    return s == null ? new JoinState() : s;
  }
}
