package io.vigil.operators.scoring;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.SharedModels;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

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
 * <p>{@code passThrough} skips the ONNX calls but keeps every state read and write: the
 * benchmark's I/O ceiling for the same topology and state.
 */
public final class MicroBatchScorer extends AbstractStreamOperator<Score>
    implements OneInputStreamOperator<SequenceEvent, Score> {

  private final List<ModelRef> models;
  private final ExecutionOptions execution;
  private final BatchingOptions batching;
  private final boolean passThrough;

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

  public MicroBatchScorer(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching) {
    this(models, execution, batching, false);
  }

  public MicroBatchScorer(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, boolean passThrough) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one model is needed");
    }
    this.models = List.copyOf(models);
    this.execution = execution;
    this.batching = batching;
    this.passThrough = passThrough;
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

  /** Scores events of distinct keys together, then writes each key's new state. */
  private void scoreRound(List<StreamRecord<SequenceEvent>> round) throws Exception {
    int n = round.size();
    batchSizes.update(n);
    float[] x = new float[n * features];
    float[][][] states = new float[stepModels.size()][][];
    for (int m = 0; m < stepModels.size(); m++) {
      ModelSpec spec = stepModels.get(m).spec();
      states[m] = new float[spec.statePairs()][];
      for (int p = 0; p < spec.statePairs(); p++) {
        states[m][p] = new float[n * spec.stateSize(p)];
      }
    }
    float[][] windows = new float[n][];
    for (int i = 0; i < n; i++) {
      SequenceEvent event = round.get(i).getValue();
      setCurrentKey(event.getEntityId());
      List<Float> values = event.getFeatures();
      for (int f = 0; f < features; f++) {
        x[i * features + f] = values.get(f);
      }
      for (int m = 0; m < stepModels.size(); m++) {
        float[][] stored = recurrentState.get(m).value();
        if (fits(stored, stepModels.get(m).spec())) {
          for (int p = 0; p < stored.length; p++) {
            System.arraycopy(stored[p], 0, states[m][p], i * stored[p].length, stored[p].length);
          }
        }
      }
      if (longestWindow > 0) {
        windows[i] = appendEvent(recentEvents.value(), x, i);
      }
    }

    Float[][] stepScores = new Float[stepModels.size()][n];
    Float[][] windowScores = new Float[windowModels.size()][n];
    if (!passThrough) {
      for (int m = 0; m < stepModels.size(); m++) {
        long start = System.nanoTime();
        float[] s = stepModels.get(m).run(x, states[m], n);
        stepLatency.get(m).update((System.nanoTime() - start) / 1000);
        for (int i = 0; i < n; i++) {
          stepScores[m][i] = s[i];
        }
      }
      for (int m = 0; m < windowModels.size(); m++) {
        windowScores[m] = scoreWindows(m, windows);
      }
    }

    for (int i = 0; i < n; i++) {
      StreamRecord<SequenceEvent> record = round.get(i);
      SequenceEvent event = record.getValue();
      setCurrentKey(event.getEntityId());
      for (int m = 0; m < stepModels.size(); m++) {
        ModelSpec spec = stepModels.get(m).spec();
        float[][] next = new float[spec.statePairs()][];
        for (int p = 0; p < next.length; p++) {
          int size = spec.stateSize(p);
          next[p] = new float[size];
          System.arraycopy(states[m][p], i * size, next[p], 0, size);
        }
        recurrentState.get(m).update(next);
      }
      if (longestWindow > 0) {
        recentEvents.update(windows[i]);
      }
      List<ModelScore> scores = new ArrayList<>(stepModels.size() + windowModels.size());
      for (int m = 0; m < stepModels.size(); m++) {
        scores.add(modelScore(stepModels.get(m).spec(), stepScores[m][i]));
      }
      for (int m = 0; m < windowModels.size(); m++) {
        scores.add(modelScore(windowModels.get(m).spec(), windowScores[m][i]));
      }
      output.collect(record.replace(new Score(event.getEventId(), event.getEntityId(), event.getEventTime(), scores, null)));
    }
    scored.inc(n);
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
  private Float[] scoreWindows(int m, float[][] windows) throws Exception {
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

  private static ModelScore modelScore(ModelSpec spec, Float score) {
    return new ModelScore(spec.name(), spec.version(), score, spec.threshold());
  }
}
