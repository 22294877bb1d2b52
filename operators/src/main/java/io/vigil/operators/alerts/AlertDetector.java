package io.vigil.operators.alerts;

import io.vigil.operators.AvroTypes;
import io.vigil.operators.SubtaskCount;

import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertCloseReason;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.ModelPeak;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Opens and closes alerts per entity (input keyed by entityId) by the {@link AlertRules}: at most
 * one open alert per entity, hysteresis between the open and close thresholds, a cooldown after
 * each close. Emits an {@link Alert} with status OPEN when one opens and with status CLOSED, the
 * whole story, when it closes. Event time is the Score's eventTime. An alert closes when a low
 * enough score arrives for its entity (reason RECOVERED), or, by an event-time timer, when the entity
 * has sent nothing for the rules' inactivity time (reason INACTIVE). Every piece of keyed state
 * ends by time: the open alert by its close, the cooldown by a timer one inactivity time after its
 * end. That grace keeps decisions independent of when watermarks pass: a score that arrives behind
 * the watermark (after an idle partition resumed, say) still meets its cooldown, so a restored run
 * decides as an uninterrupted one unless a score is later than the inactivity time.
 *
 * <p>The open alert and the cooldown end live in keyed state and survive checkpoints. Metrics:
 * counters {@code alertsOpened}, {@code alertsClosed}, {@code alertsSuppressed} (opens blocked by
 * the cooldown) and the gauge {@code openAlerts}: this subtask's open alerts, kept in operator
 * state so it is restored with the keyed state. After a rescale each subtask's value may be off
 * (even negative), but their sum stays exact, since the counts are split, not copied.
 */
public final class AlertDetector extends KeyedProcessFunction<String, Score, Alert> implements CheckpointedFunction {

  /** Every input score, with the alert decision appended as the model {@value #DECISION_MODEL}. */
  public static final OutputTag<Score> DECISIONS = new OutputTag<>("scores-with-alert-decision", AvroTypes.of(Score.class));

  /** The pseudo-model under which the alert decision is scored and measured. */
  public static final String DECISION_MODEL = "alert";

  private final AlertRules rules;

  private transient ValueState<Alert> openAlert;
  private transient ValueState<Long> cooldownUntil;
  /** Event time of the entity's latest score while its alert is open. */
  private transient ValueState<Long> lastScoreAt;
  private transient SubtaskCount openAlerts;
  private transient Counter opened;
  private transient Counter closed;
  private transient Counter suppressed;

  public AlertDetector(AlertRules rules) {
    this.rules = rules;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    openAlerts = SubtaskCount.restore(context.getOperatorStateStore(), "open-alerts");
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    openAlerts.snapshot();
  }

  @Override
  public void open(OpenContext context) {
    openAlert = getRuntimeContext().getState(new ValueStateDescriptor<>("open-alert", AvroTypes.of(Alert.class)));
    cooldownUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-until", Types.LONG));
    lastScoreAt = getRuntimeContext().getState(new ValueStateDescriptor<>("last-score-at", Types.LONG));
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    opened = metrics.counter("alertsOpened");
    closed = metrics.counter("alertsClosed");
    suppressed = metrics.counter("alertsSuppressed");
    metrics.gauge("openAlerts", (Gauge<Long>) this::openAlerts);
  }

  long openAlerts() {
    return openAlerts.get();
  }

  @Override
  public void processElement(Score score, Context ctx, Collector<Alert> out) throws Exception {
    List<ModelScore> considered = new ArrayList<>();
    for (ModelScore s : score.getScores()) {
      if (rules.considers(s)) {
        considered.add(s);
      }
    }
    if (!considered.isEmpty()) {
      Alert alert = openAlert.value();
      if (alert == null) {
        maybeOpen(score, considered, ctx, out);
      } else {
        extend(alert, score, considered, ctx, out);
      }
    }
    ctx.output(DECISIONS, withDecision(score, openAlert.value() != null));
  }

  /**
   * The score with one more entry, model {@value #DECISION_MODEL}: 1 if the entity's alert is
   * open after this event, else 0, threshold 1 — so the alert decision is judged against labels
   * like any model. A new record: the input may be shared with other operators.
   */
  private static Score withDecision(Score score, boolean open) {
    List<ModelScore> scores = new ArrayList<>(score.getScores().size() + 1);
    scores.addAll(score.getScores());
    scores.add(new ModelScore(DECISION_MODEL, "rules", open ? 1f : 0f, 1f, ModelRole.CHAMPION, null));
    return new Score(score.getEventId(), score.getEntityId(), score.getEventTime(), scores, score.getScoredAt());
  }

  private void maybeOpen(Score score, List<ModelScore> considered, Context ctx, Collector<Alert> out) throws Exception {
    int firing = 0;
    for (ModelScore s : considered) {
      firing += rules.fires(s) ? 1 : 0;
    }
    if (!rules.combination().holds(firing, considered.size())) {
      return;
    }
    long now = score.getEventTime().toEpochMilli();
    Long quietUntil = cooldownUntil.value();
    if (quietUntil != null) {
      if (now < quietUntil) {
        suppressed.inc();
        return;
      }
      cooldownUntil.clear();
    }
    Alert alert = Alert.newBuilder()
        .setAlertId(score.getEntityId() + "@" + now)
        .setEntityId(score.getEntityId())
        .setStatus(AlertStatus.OPEN)
        .setOpenedAt(score.getEventTime())
        .setOpeningEventId(score.getEventId())
        .setFiredModels(new ArrayList<>())
        .setPeakScores(new ArrayList<>())
        .setEventIds(new ArrayList<>())
        .setEvents(0)
        .build();
    record(alert, score, considered);
    openAlert.update(alert);
    lastScoreAt.update(now);
    ctx.timerService().registerEventTimeTimer(plus(now, rules.inactiveAfter().toMillis()));
    openAlerts.increment();
    opened.inc();
    // A copy: the state object goes on changing while the alert is open.
    out.collect(Alert.newBuilder(alert).build());
  }

  private void extend(Alert alert, Score score, List<ModelScore> considered, Context ctx, Collector<Alert> out)
      throws Exception {
    record(alert, score, considered);
    long now = score.getEventTime().toEpochMilli();
    Long last = lastScoreAt.value();
    if (last == null) {
      // An alert restored from state written before inactivity closes existed: start its clock now.
      ctx.timerService().registerEventTimeTimer(plus(now, rules.inactiveAfter().toMillis()));
    }
    if (last == null || now > last) {
      lastScoreAt.update(now);
    }
    boolean firedModelScored = false;
    boolean allBelow = true;
    for (ModelScore s : considered) {
      if (alert.getFiredModels().contains(s.getModel())) {
        firedModelScored = true;
        allBelow &= rules.belowClose(s);
      }
    }
    if (!(firedModelScored && allBelow)) {
      openAlert.update(alert);
      return;
    }
    // Scores of one entity can arrive slightly out of order: never close before the open.
    Instant closedAt = score.getEventTime().isBefore(alert.getOpenedAt()) ? alert.getOpenedAt() : score.getEventTime();
    close(alert, closedAt, AlertCloseReason.RECOVERED, ctx.timerService(), out);
  }

  /**
   * Inactivity check of an open alert (due at its last score + the inactivity time), or the end of a
   * cooldown. A timer whose alert has since seen scores moves to the new due time.
   */
  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    Alert alert = openAlert.value();
    if (alert != null && lastScoreAt.value() != null) {
      long due = plus(lastScoreAt.value(), rules.inactiveAfter().toMillis());
      if (due > timestamp) {
        ctx.timerService().registerEventTimeTimer(due);
      } else {
        close(alert, Instant.ofEpochMilli(due), AlertCloseReason.INACTIVE, ctx.timerService(), out);
      }
    }
    Long quietUntil = cooldownUntil.value();
    if (quietUntil != null && plus(quietUntil, rules.inactiveAfter().toMillis()) <= timestamp) {
      cooldownUntil.clear();
    }
  }

  private void close(Alert alert, Instant closedAt, AlertCloseReason reason, TimerService timers, Collector<Alert> out)
      throws Exception {
    openAlert.clear();
    lastScoreAt.clear();
    long quietUntil = plus(closedAt.toEpochMilli(), rules.cooldown().toMillis());
    cooldownUntil.update(quietUntil);
    timers.registerEventTimeTimer(plus(quietUntil, rules.inactiveAfter().toMillis()));
    openAlerts.decrement();
    closed.inc();
    out.collect(Alert.newBuilder(alert).setStatus(AlertStatus.CLOSED).setClosedAt(closedAt).setCloseReason(reason).build());
  }

  /** Saturating addition: event times near the end of time must not wrap around. */
  private static long plus(long time, long delta) {
    return time > Long.MAX_VALUE - delta ? Long.MAX_VALUE : time + delta;
  }

  /** Adds the event to the alert: its id, its peaks, the models it makes fire. */
  private void record(Alert alert, Score score, List<ModelScore> considered) {
    alert.setEvents(alert.getEvents() + 1);
    if (alert.getEventIds().size() < rules.maxEventIds()) {
      alert.getEventIds().add(score.getEventId());
    }
    for (ModelScore s : considered) {
      if (rules.fires(s) && !alert.getFiredModels().contains(s.getModel())) {
        alert.getFiredModels().add(s.getModel());
      }
      ModelPeak peak = peakOf(alert, s.getModel());
      if (peak == null) {
        alert.getPeakScores().add(new ModelPeak(s.getModel(), s.getScore(), rules.threshold(s)));
      } else if (s.getScore() > peak.getPeak()) {
        peak.setPeak(s.getScore());
        peak.setThreshold(rules.threshold(s));
      }
    }
  }

  private static ModelPeak peakOf(Alert alert, String model) {
    for (ModelPeak peak : alert.getPeakScores()) {
      if (peak.getModel().equals(model)) {
        return peak;
      }
    }
    return null;
  }
}
