package io.vigil.operators.scoring;

import io.vigil.operators.SubtaskCount;
import io.vigil.operators.lifecycle.ActiveModel;
import io.vigil.operators.lifecycle.ModelEvents;
import io.vigil.operators.lifecycle.ModelSet;
import io.vigil.operators.lifecycle.WarmUp;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelContract;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.WindowModelRunner;
import ai.onnxruntime.OrtException;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * The keyed scoring operator (input keyed by entityId). Per key it keeps every recurrent
 * model's state tensors and the last T events for the window models, in Flink keyed state.
 *
 * <p>Events from many keys are buffered and scored together: one ONNX call per model per round,
 * where a round holds at most one event per key, so a key's events still run in order, each
 * seeing the state its predecessor left. The buffer is flushed when full, when the oldest event
 * has waited the max delay (processing-time timer), before a watermark passes, before every
 * checkpoint barrier (so no buffered event is in flight in a snapshot) and at end of input.
 *
 * <p>Failure isolation: an ONNX Runtime error fails only the event that causes it, and an event
 * that makes a model answer NaN or infinity leaves its key's state as it was; both become dead
 * letters ({@link #REJECTED}). State is bounded: a key silent for {@code entityTtl} of event time
 * loses all its state (one event-time timer per key), and the gauge {@code liveKeys} counts the keys
 * holding state.
 *
 * <p>Models change while it runs: as a two-input operator, its second input is the broadcast
 * stream of validated {@link ModelUpdate}s. An update is applied between rounds (the buffer is
 * scored first) by the {@link ModelSet}, which the scorer asks for the current models; every
 * decision goes out as a {@link ModelEvent} ({@link #MODEL_EVENTS}). Each key's recurrent state is
 * tagged with the version that produced it; a key's first event after a swap migrates it as the
 * new version's update asked ({@link ActiveModel#start}). As a one-input operator (no update
 * stream) it scores with the configured models only.
 *
 * <p>{@code passThrough} skips the ONNX calls but keeps every state read and write, and gives each
 * model a stand-in score ({@link #standIn}): the benchmark's I/O ceiling for the same topology,
 * state and downstream work.
 */
public final class MicroBatchScorer extends AbstractStreamOperator<Score>
    implements OneInputStreamOperator<SequenceEvent, Score>, TwoInputStreamOperator<SequenceEvent, ModelUpdate, Score>,
    Triggerable<String, VoidNamespace> {

  /** Events the models could not score. */
  public static final OutputTag<DeadLetter> REJECTED = ScoringRejections.TAG;

  /** What became of each model update on this subtask. */
  public static final OutputTag<ModelEvent> MODEL_EVENTS = ModelEvents.TAG;

  /** How long a silent entity keeps its state unless told otherwise. */
  public static final Duration DEFAULT_ENTITY_TTL = Duration.ofHours(24);

  /**
   * How many of a key's recent events a WARM migration runs over unless told otherwise: the shipped
   * window length, so the events the window models keep anyway suffice and swaps cost no state per
   * key (each more event kept costs 4 bytes per feature per key, on a million keys too).
   */
  public static final int DEFAULT_WARM_UP_EVENTS = 16;

  private final List<ModelRef> models;
  private final ExecutionOptions execution;
  private final BatchingOptions batching;
  private final long entityTtlMillis;
  private final boolean passThrough;
  private final int warmUpEvents;
  /** Which of the configured models are challengers (updates carry their own role). */
  private ModelRoles roles = ModelRoles.NONE;

  private transient BroadcastState<String, ModelUpdate> acceptedUpdates;
  private transient ModelSet modelSet;
  private transient RecurrentStates recurrentState;
  private transient ValueState<float[]> recentEvents;
  private transient int features;
  private transient Counter warmedKeys;
  private transient Counter warmUpSteps;
  private transient List<StreamRecord<SequenceEvent>> buffer;
  /** The pending max-delay flush, if any; cancelled when the batch fills first. */
  private transient ScheduledFuture<?> flushTimer;
  private transient Histogram batchSizes;
  private transient Histogram roundsPerFlush;
  private transient Counter scored;
  private transient ScoringRejections rejections;
  private transient ValueState<Long> lastEventTime;
  private transient InternalTimerService<VoidNamespace> expiry;
  /** Keys holding state on this subtask. */
  private transient SubtaskCount liveKeys;
  private transient Counter expiredKeys;

  public MicroBatchScorer(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching) {
    this(models, execution, batching, DEFAULT_ENTITY_TTL, false);
  }

  public MicroBatchScorer(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, Duration entityTtl,
      boolean passThrough) {
    this(models, execution, batching, entityTtl, passThrough, DEFAULT_WARM_UP_EVENTS);
  }

  /** {@code warmUpEvents}: how many recent events per key are retained for a WARM migration. */
  public MicroBatchScorer(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, Duration entityTtl,
      boolean passThrough, int warmUpEvents) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one model is needed");
    }
    if (entityTtl.isNegative() || entityTtl.isZero()) {
      throw new IllegalArgumentException("entity TTL must be positive, is " + entityTtl);
    }
    this.entityTtlMillis = entityTtl.toMillis();
    this.models = List.copyOf(models);
    this.execution = execution;
    this.batching = batching;
    this.passThrough = passThrough;
    this.warmUpEvents = warmUpEvents;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    liveKeys = SubtaskCount.restore(context.getOperatorStateStore(), "live-keys");
    acceptedUpdates = context.getOperatorStateStore().getBroadcastState(ModelSet.ACCEPTED);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    liveKeys.snapshot();
  }

  @Override
  public void open() throws Exception {
    super.open();
    modelSet = new ModelSet(models, roles, execution, warmUpEvents, acceptedUpdates, getMetricGroup());
    features = modelSet.features();
    recurrentState = new RecurrentStates(getRuntimeContext());
    warmedKeys = getMetricGroup().counter("warmUpKeys");
    warmUpSteps = getMetricGroup().counter("warmUpEvents");
    recentEvents = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-events", float[].class));
    buffer = new ArrayList<>();
    batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    roundsPerFlush = getMetricGroup().histogram("roundsPerFlush", new DescriptiveStatisticsHistogram(1000));
    scored = getMetricGroup().counter("eventsScored");
    rejections = new ScoringRejections(getMetricGroup());
    lastEventTime = getRuntimeContext().getState(new ValueStateDescriptor<>("last-event-time", Types.LONG));
    expiry = getInternalTimerService("entity-ttl", VoidNamespaceSerializer.INSTANCE, this);
    expiredKeys = getMetricGroup().counter("expiredKeys");
    getMetricGroup().gauge("liveKeys", (Gauge<Long>) liveKeys::get);
  }

  long liveKeys() {
    return liveKeys.get();
  }

  @Override
  public void processElement1(StreamRecord<SequenceEvent> element) throws Exception {
    processElement(element);
  }

  /** A validated model update: the buffered events are scored with the old models first. */
  @Override
  public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
    flush();
    ModelEvent decision = modelSet.apply(element.getValue(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
        getProcessingTimeService().getCurrentProcessingTime());
    output.collect(MODEL_EVENTS, new StreamRecord<>(decision));
  }

  /** Event time is the events' alone: the update stream has no watermarks and must not hold it back. */
  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    processWatermark(mark);
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // see processWatermark1
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
    if (inputIndex == 0) {
      processWatermarkStatus(status);
    }
  }

  @Override
  public void processElement(StreamRecord<SequenceEvent> element) throws Exception {
    buffer.add(element);
    if (buffer.size() >= batching.maxBatch()) {
      flush();
    } else if (flushTimer == null) {
      long due = getProcessingTimeService().getCurrentProcessingTime() + batching.maxDelayMillis();
      flushTimer = getProcessingTimeService().registerTimer(due, time -> {
        flushTimer = null;
        flush();
      });
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    if (modelSet != null) {
      modelSet.close();
      modelSet = null;
    }
    super.close();
  }

  private void flush() throws Exception {
    if (flushTimer != null) {
      flushTimer.cancel(false);
      flushTimer = null;
    }
    if (buffer.isEmpty()) {
      return;
    }
    int rounds = 0;
    List<StreamRecord<SequenceEvent>> pending = buffer;
    buffer = new ArrayList<>();
    while (!pending.isEmpty()) {
      List<StreamRecord<SequenceEvent>> round = new ArrayList<>();
      List<StreamRecord<SequenceEvent>> later = new ArrayList<>();
      Set<String> keys = new HashSet<>();
      for (StreamRecord<SequenceEvent> r : pending) {
        (keys.add(r.getValue().getEntityId()) ? round : later).add(r);
      }
      scoreRound(round);
      pending = later;
      rounds++;
    }
    roundsPerFlush.update(rounds);
  }

  /**
   * Scores events of distinct keys together, then writes each key's new state. If ONNX Runtime
   * fails the call, the round is split in halves until the failing event stands alone: it becomes
   * a dead letter and every other event is scored. Nothing is written before all models succeeded,
   * so a retried half reads the same state.
   */
  private void scoreRound(List<StreamRecord<SequenceEvent>> round) throws Exception {
    Round r = prepare(round);
    try {
      infer(r);
    } catch (OrtException | RuntimeException e) {
      if (round.size() == 1) {
        reject(round.get(0), DeadLetterReason.MODEL_ERROR, String.valueOf(e.getMessage()));
        return;
      }
      int half = round.size() / 2;
      scoreRound(round.subList(0, half));
      scoreRound(round.subList(half, round.size()));
      return;
    }
    commit(round, r);
  }

  /** One round's model inputs (read from each key's state) and, after {@link #infer}, outputs. */
  private static final class Round {
    final int n;
    final float[] x;
    final float[][][] states;
    /** Per step model, the keys whose state is rebuilt for a new version before this event. */
    final WarmUp[] warmUps;
    /** Per step model and event, whether the key's state was another version's (its tag is rewritten). */
    final boolean[][] retag;
    final float[][] windows;
    final Float[][] stepScores;
    final Float[][] windowScores;

    Round(int n, int features, int stepModels, int windowModels) {
      this.n = n;
      this.x = new float[n * features];
      this.states = new float[stepModels][][];
      this.warmUps = new WarmUp[stepModels];
      this.retag = new boolean[stepModels][n];
      this.windows = new float[n][];
      this.stepScores = new Float[stepModels][n];
      this.windowScores = new Float[windowModels][n];
    }
  }

  private Round prepare(List<StreamRecord<SequenceEvent>> round) throws Exception {
    int n = round.size();
    batchSizes.update(n);
    List<ActiveModel> steps = modelSet.steps();
    Round r = new Round(n, features, steps.size(), modelSet.windows().size());
    for (int m = 0; m < steps.size(); m++) {
      r.states[m] = steps.get(m).spec().zeroStates(n);
      r.warmUps[m] = new WarmUp();
    }
    int retention = modelSet.retention();
    for (int i = 0; i < n; i++) {
      SequenceEvent event = round.get(i).getValue();
      setCurrentKey(event.getEntityId());
      List<Float> values = event.getFeatures();
      for (int f = 0; f < features; f++) {
        r.x[i * features + f] = values.get(f);
      }
      float[] recent = retention > 0 ? recentEvents.value() : null;
      for (int m = 0; m < steps.size(); m++) {
        readState(steps.get(m), r, m, i, recent);
      }
      if (retention > 0) {
        r.windows[i] = appendEvent(recent, r.x, i, retention);
      }
    }
    return r;
  }

  /** Puts the key's starting state for step model {@code m} in row {@code i}: its own, zero, or a warm-up's. */
  private void readState(ActiveModel model, Round r, int m, int i, float[] recent) throws Exception {
    float[][] stored = recurrentState.tensors(model.name()).value();
    String producedBy = recurrentState.version(model.name()).value();
    r.retag[m][i] = !model.version().equals(producedBy);
    switch (model.start(stored, producedBy)) {
      case STORED -> {
        for (int p = 0; p < stored.length; p++) {
          System.arraycopy(stored[p], 0, r.states[m][p], i * stored[p].length, stored[p].length);
        }
      }
      case WARM -> {
        int held = recent == null ? 0 : recent.length / features;
        int use = Math.min(held, modelSet.warmUpEvents());
        if (use > 0) {
          r.warmUps[m].add(i, Arrays.copyOfRange(recent, (held - use) * features, held * features));
        }
      }
      case ZERO -> { }
    }
  }

  private void infer(Round r) throws OrtException {
    if (passThrough) {
      standInScores(r);
      return;
    }
    inferWithModels(r);
  }

  /**
   * Without the models, a score per model and event that costs nothing to compute: distinct per
   * event (the quality path stores and ranks it as a real score) and below the model's threshold
   * (no alert opens), so the job downstream of the scorer does the work real scores give it.
   * Window models score from a key's T-th event, as they do.
   */
  private void standInScores(Round r) {
    List<ActiveModel> steps = modelSet.steps();
    for (int m = 0; m < steps.size(); m++) {
      float threshold = steps.get(m).spec().threshold();
      for (int i = 0; i < r.n; i++) {
        r.stepScores[m][i] = standIn(r.x[i * features + m % features], threshold);
      }
    }
    List<ActiveModel> windows = modelSet.windows();
    for (int m = 0; m < windows.size(); m++) {
      ModelSpec spec = windows.get(m).spec();
      int rowSize = spec.window() * features;
      int feature = (steps.size() + m) % features;
      for (int i = 0; i < r.n; i++) {
        if (r.windows[i].length >= rowSize) {
          r.windowScores[m][i] = standIn(r.x[i * features + feature], spec.threshold());
        }
      }
    }
  }

  /** {@code threshold} minus the logistic of {@code x}: in (threshold - 1, threshold). */
  static float standIn(float x, float threshold) {
    return threshold - (float) (1 / (1 + Math.exp(-x)));
  }

  private void inferWithModels(Round r) throws OrtException {
    List<ActiveModel> steps = modelSet.steps();
    for (int m = 0; m < steps.size(); m++) {
      ActiveModel model = steps.get(m);
      if (!r.warmUps[m].isEmpty()) {
        warmedKeys.inc(r.warmUps[m].size());
        warmUpSteps.inc(r.warmUps[m].run(model.step(), r.states[m]));
      }
      long start = System.nanoTime();
      float[] s = model.step().run(r.x, r.states[m], r.n);
      model.latency().update((System.nanoTime() - start) / 1000);
      for (int i = 0; i < r.n; i++) {
        r.stepScores[m][i] = s[i];
      }
    }
    for (int m = 0; m < modelSet.windows().size(); m++) {
      r.windowScores[m] = scoreWindows(modelSet.windows().get(m), r.windows);
    }
  }

  /** Writes each key's new state and emits its score, unless a model answered non-finite. */
  private void commit(List<StreamRecord<SequenceEvent>> round, Round r) throws Exception {
    List<ActiveModel> steps = modelSet.steps();
    List<ActiveModel> windows = modelSet.windows();
    int committed = 0;
    for (int i = 0; i < r.n; i++) {
      StreamRecord<SequenceEvent> record = round.get(i);
      SequenceEvent event = record.getValue();
      String nonFinite = nonFiniteOutputs(r, i);
      if (nonFinite != null) {
        // The key keeps the state its last good event left: one NaN must not poison it forever.
        reject(record, DeadLetterReason.NON_FINITE_OUTPUT, "non-finite output of " + nonFinite);
        continue;
      }
      setCurrentKey(event.getEntityId());
      for (int m = 0; m < steps.size(); m++) {
        writeState(steps.get(m), r, m, i);
      }
      if (modelSet.retention() > 0) {
        recentEvents.update(r.windows[i]);
      }
      touch(event.getEventTime().toEpochMilli());
      List<ModelScore> scores = new ArrayList<>(steps.size() + windows.size());
      for (int m = 0; m < steps.size(); m++) {
        scores.add(steps.get(m).score(r.stepScores[m][i]));
      }
      for (int m = 0; m < windows.size(); m++) {
        scores.add(windows.get(m).score(r.windowScores[m][i]));
      }
      output.collect(record.replace(new Score(event.getEventId(), event.getEntityId(), event.getEventTime(), scores, null)));
      committed++;
    }
    scored.inc(committed);
  }

  private void writeState(ActiveModel model, Round r, int m, int i) throws Exception {
    ModelSpec spec = model.spec();
    float[][] next = new float[spec.statePairs()][];
    for (int p = 0; p < next.length; p++) {
      int size = spec.stateSize(p);
      next[p] = new float[size];
      System.arraycopy(r.states[m][p], i * size, next[p], 0, size);
    }
    recurrentState.tensors(model.name()).update(next);
    if (r.retag[m][i]) {
      recurrentState.version(model.name()).update(model.version());
    }
  }

  /** The models (and outputs) that gave event {@code i} a NaN or infinite score or state; null if none. */
  private String nonFiniteOutputs(Round r, int i) {
    List<String> bad = new ArrayList<>();
    List<ActiveModel> steps = modelSet.steps();
    for (int m = 0; m < steps.size(); m++) {
      ModelSpec spec = steps.get(m).spec();
      Float score = r.stepScores[m][i];
      if (score != null && !Float.isFinite(score)) {
        bad.add(spec.name() + ".score");
      }
      for (int p = 0; p < spec.statePairs(); p++) {
        int size = spec.stateSize(p);
        if (!allFinite(r.states[m][p], i * size, size)) {
          bad.add(spec.name() + "." + ModelContract.STATE_OUT + p);
        }
      }
    }
    for (int m = 0; m < modelSet.windows().size(); m++) {
      Float score = r.windowScores[m][i];
      if (score != null && !Float.isFinite(score)) {
        bad.add(modelSet.windows().get(m).name() + ".score");
      }
    }
    return bad.isEmpty() ? null : String.join(", ", bad);
  }

  private static boolean allFinite(float[] values, int from, int length) {
    for (int j = from; j < from + length; j++) {
      if (!Float.isFinite(values[j])) {
        return false;
      }
    }
    return true;
  }

  private void reject(StreamRecord<SequenceEvent> record, DeadLetterReason reason, String message) {
    long now = getProcessingTimeService().getCurrentProcessingTime();
    output.collect(REJECTED, new StreamRecord<>(rejections.reject(record.getValue(), reason, message, now), record.getTimestamp()));
  }

  /** Starts the key's expiry clock on its first event; later events only move its last event time. */
  private void touch(long eventTime) throws Exception {
    Long last = lastEventTime.value();
    if (last == null) {
      liveKeys.increment();
      expiry.registerEventTimeTimer(VoidNamespace.INSTANCE, expiresAt(eventTime));
      lastEventTime.update(eventTime);
    } else if (eventTime > last) {
      lastEventTime.update(eventTime);
    }
  }

  /**
   * A key's expiry timer: if the key was silent for the whole TTL (event time), all its state is
   * dropped; otherwise the timer moves to the new due time. One pending timer per key.
   */
  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    Long last = lastEventTime.value();
    if (last == null) {
      return;
    }
    long due = expiresAt(last);
    if (due > timer.getTimestamp()) {
      expiry.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
      return;
    }
    for (ActiveModel model : modelSet.steps()) {
      recurrentState.clear(model.name());
    }
    recentEvents.clear();
    lastEventTime.clear();
    liveKeys.decrement();
    expiredKeys.inc();
  }

  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
    // The batching flush uses the operator's processing-time service, not keyed timers.
  }

  /** Saturating: an event time near the end of time must not wrap around. */
  private long expiresAt(long eventTime) {
    return eventTime > Long.MAX_VALUE - entityTtlMillis ? Long.MAX_VALUE : eventTime + entityTtlMillis;
  }

  /** The key's recent events with event {@code i} of {@code x} appended, at most {@code retention} events. */
  private float[] appendEvent(float[] recent, float[] x, int i, int retention) {
    int held = recent == null ? 0 : recent.length / features;
    int keep = Math.min(held, retention - 1);
    float[] next = new float[(keep + 1) * features];
    if (keep > 0) {
      System.arraycopy(recent, (held - keep) * features, next, 0, keep * features);
    }
    System.arraycopy(x, i * features, next, keep * features, features);
    return next;
  }

  /** Window model {@code m}'s score per event; null where the key has fewer than T events yet. */
  private Float[] scoreWindows(ActiveModel model, float[][] windows) throws OrtException {
    WindowModelRunner runner = model.window();
    int t = runner.spec().window();
    int rowSize = t * features;
    int[] ready = new int[windows.length];
    int count = 0;
    for (int i = 0; i < windows.length; i++) {
      if (windows[i].length >= rowSize) {
        ready[count++] = i;
      }
    }
    Float[] result = new Float[windows.length];
    if (count == 0) {
      return result;
    }
    float[] rows = new float[count * rowSize];
    for (int j = 0; j < count; j++) {
      float[] w = windows[ready[j]];
      System.arraycopy(w, w.length - rowSize, rows, j * rowSize, rowSize);
    }
    long start = System.nanoTime();
    float[] scores = runner.run(rows, count);
    model.latency().update((System.nanoTime() - start) / 1000);
    for (int j = 0; j < count; j++) {
      result[ready[j]] = scores[j];
    }
    return result;
  }

  /** Marks the configured challengers (before the job starts; every configured model is a champion otherwise). */
  public MicroBatchScorer withRoles(ModelRoles roles) {
    this.roles = roles;
    return this;
  }
}
