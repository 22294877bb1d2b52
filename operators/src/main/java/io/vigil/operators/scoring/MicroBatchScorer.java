package io.vigil.operators.scoring;

import io.vigil.operators.SubtaskCount;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelContract;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.SharedModels;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import ai.onnxruntime.OrtException;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 * <p>{@code passThrough} skips the ONNX calls but keeps every state read and write: the
 * benchmark's I/O ceiling for the same topology and state.
 */
public final class MicroBatchScorer extends AbstractStreamOperator<Score>
    implements OneInputStreamOperator<SequenceEvent, Score>, Triggerable<String, VoidNamespace> {

  /** Events the models could not score. */
  public static final OutputTag<DeadLetter> REJECTED = ScoringRejections.TAG;

  /** How long a silent entity keeps its state unless told otherwise. */
  public static final Duration DEFAULT_ENTITY_TTL = Duration.ofHours(24);

  private final List<ModelRef> models;
  private final ExecutionOptions execution;
  private final BatchingOptions batching;
  private final long entityTtlMillis;
  private final boolean passThrough;
  /** Which models are challengers: consulted only where a score is built. */
  private ModelRoles roles = ModelRoles.NONE;

  private transient List<StepModelRunner> stepModels;
  private transient List<WindowModelRunner> windowModels;
  private transient List<ValueState<float[][]>> recurrentState;
  private transient ValueState<float[]> recentEvents;
  private transient int longestWindow;
  private transient int features;
  private transient List<StreamRecord<SequenceEvent>> buffer;
  /** The pending max-delay flush, if any; cancelled when the batch fills first. */
  private transient ScheduledFuture<?> flushTimer;
  private transient Histogram batchSizes;
  private transient Histogram roundsPerFlush;
  private transient Counter scored;
  private transient List<Histogram> stepLatency;
  private transient List<Histogram> windowLatency;
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
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    liveKeys = SubtaskCount.restore(context.getOperatorStateStore(), "live-keys");
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    liveKeys.snapshot();
  }

  @Override
  public void open() throws Exception {
    super.open();
    stepModels = new ArrayList<>();
    windowModels = new ArrayList<>();
    recurrentState = new ArrayList<>();
    stepLatency = new ArrayList<>();
    windowLatency = new ArrayList<>();
    for (ModelRef ref : models) {
      LoadedModel model = SharedModels.acquire(ref, execution);
      ModelSpec spec = model.spec();
      int fallback = model.device().contains("fallback") ? 1 : 0;
      getMetricGroup().addGroup("model", spec.name()).gauge("cpuFallback", () -> fallback);
      Histogram latency = getMetricGroup().addGroup("model", spec.name())
          .histogram("onnxCallMicros", new DescriptiveStatisticsHistogram(1000));
      if (spec.kind() == ModelKind.STEP) {
        stepModels.add(new StepModelRunner(model));
        stepLatency.add(latency);
        recurrentState.add(getRuntimeContext().getState(
            new ValueStateDescriptor<>("recurrent-state/" + spec.name(), TypeInformation.of(float[][].class))));
      } else {
        windowModels.add(new WindowModelRunner(model));
        windowLatency.add(latency);
        longestWindow = Math.max(longestWindow, spec.window());
      }
      features = spec.features();
    }
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
    if (stepModels != null) {
      for (ModelRef ref : models) {
        SharedModels.release(ref, execution);
      }
      stepModels = null;
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
    final float[][] windows;
    final Float[][] stepScores;
    final Float[][] windowScores;

    Round(int n, int features, int stepModels, int windowModels) {
      this.n = n;
      this.x = new float[n * features];
      this.states = new float[stepModels][][];
      this.windows = new float[n][];
      this.stepScores = new Float[stepModels][n];
      this.windowScores = new Float[windowModels][n];
    }
  }

  private Round prepare(List<StreamRecord<SequenceEvent>> round) throws Exception {
    int n = round.size();
    batchSizes.update(n);
    Round r = new Round(n, features, stepModels.size(), windowModels.size());
    for (int m = 0; m < stepModels.size(); m++) {
      ModelSpec spec = stepModels.get(m).spec();
      r.states[m] = new float[spec.statePairs()][];
      for (int p = 0; p < spec.statePairs(); p++) {
        r.states[m][p] = new float[n * spec.stateSize(p)];
      }
    }
    for (int i = 0; i < n; i++) {
      SequenceEvent event = round.get(i).getValue();
      setCurrentKey(event.getEntityId());
      List<Float> values = event.getFeatures();
      for (int f = 0; f < features; f++) {
        r.x[i * features + f] = values.get(f);
      }
      for (int m = 0; m < stepModels.size(); m++) {
        float[][] stored = recurrentState.get(m).value();
        if (fits(stored, stepModels.get(m).spec())) {
          for (int p = 0; p < stored.length; p++) {
            System.arraycopy(stored[p], 0, r.states[m][p], i * stored[p].length, stored[p].length);
          }
        }
      }
      if (longestWindow > 0) {
        r.windows[i] = appendEvent(recentEvents.value(), r.x, i);
      }
    }
    return r;
  }

  private void infer(Round r) throws OrtException {
    if (passThrough) {
      return;
    }
    for (int m = 0; m < stepModels.size(); m++) {
      long start = System.nanoTime();
      float[] s = stepModels.get(m).run(r.x, r.states[m], r.n);
      stepLatency.get(m).update((System.nanoTime() - start) / 1000);
      for (int i = 0; i < r.n; i++) {
        r.stepScores[m][i] = s[i];
      }
    }
    for (int m = 0; m < windowModels.size(); m++) {
      r.windowScores[m] = scoreWindows(m, r.windows);
    }
  }

  /** Writes each key's new state and emits its score, unless a model answered non-finite. */
  private void commit(List<StreamRecord<SequenceEvent>> round, Round r) throws Exception {
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
      for (int m = 0; m < stepModels.size(); m++) {
        ModelSpec spec = stepModels.get(m).spec();
        float[][] next = new float[spec.statePairs()][];
        for (int p = 0; p < next.length; p++) {
          int size = spec.stateSize(p);
          next[p] = new float[size];
          System.arraycopy(r.states[m][p], i * size, next[p], 0, size);
        }
        recurrentState.get(m).update(next);
      }
      if (longestWindow > 0) {
        recentEvents.update(r.windows[i]);
      }
      touch(event.getEventTime().toEpochMilli());
      List<ModelScore> scores = new ArrayList<>(stepModels.size() + windowModels.size());
      for (int m = 0; m < stepModels.size(); m++) {
        scores.add(modelScore(stepModels.get(m).spec(), r.stepScores[m][i]));
      }
      for (int m = 0; m < windowModels.size(); m++) {
        scores.add(modelScore(windowModels.get(m).spec(), r.windowScores[m][i]));
      }
      output.collect(record.replace(new Score(event.getEventId(), event.getEntityId(), event.getEventTime(), scores, null)));
      committed++;
    }
    scored.inc(committed);
  }

  /** The models (and outputs) that gave event {@code i} a NaN or infinite score or state; null if none. */
  private String nonFiniteOutputs(Round r, int i) {
    List<String> bad = new ArrayList<>();
    for (int m = 0; m < stepModels.size(); m++) {
      ModelSpec spec = stepModels.get(m).spec();
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
    for (int m = 0; m < windowModels.size(); m++) {
      Float score = r.windowScores[m][i];
      if (score != null && !Float.isFinite(score)) {
        bad.add(windowModels.get(m).spec().name() + ".score");
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
    for (ValueState<float[][]> s : recurrentState) {
      s.clear();
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

  /**
   * Whether restored state has the model's state shapes. After a restore with a re-trained model
   * of another size the key starts again from zero state rather than feed the model garbage.
   */
  private static boolean fits(float[][] stored, ModelSpec spec) {
    if (stored == null || stored.length != spec.statePairs()) {
      return false;
    }
    for (int p = 0; p < stored.length; p++) {
      if (stored[p].length != spec.stateSize(p)) {
        return false;
      }
    }
    return true;
  }

  /** The key's recent events with event {@code i} of {@code x} appended, at most the longest window. */
  private float[] appendEvent(float[] recent, float[] x, int i) {
    int held = recent == null ? 0 : recent.length / features;
    int keep = Math.min(held, longestWindow - 1);
    float[] next = new float[(keep + 1) * features];
    if (keep > 0) {
      System.arraycopy(recent, (held - keep) * features, next, 0, keep * features);
    }
    System.arraycopy(x, i * features, next, keep * features, features);
    return next;
  }

  /** Window model {@code m}'s score per event; null where the key has fewer than T events yet. */
  private Float[] scoreWindows(int m, float[][] windows) throws OrtException {
    WindowModelRunner runner = windowModels.get(m);
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
    windowLatency.get(m).update((System.nanoTime() - start) / 1000);
    for (int j = 0; j < count; j++) {
      result[ready[j]] = scores[j];
    }
    return result;
  }

  /** Marks the challengers' scores (before the job starts; every model is a champion otherwise). */
  public MicroBatchScorer withRoles(ModelRoles roles) {
    this.roles = roles;
    return this;
  }

  private ModelScore modelScore(ModelSpec spec, Float score) {
    return new ModelScore(spec.name(), spec.version(), score, spec.threshold(), roles.role(spec.name()),
        roles.challenges(spec.name()));
  }
}
