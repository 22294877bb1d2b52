package io.vigil.operators.quality;

import io.vigil.operators.metrics.BinaryMetrics;
import io.vigil.operators.metrics.ModelMetricsState;
import io.vigil.operators.metrics.ScoreEntries;
import io.vigil.schemas.CurvePoint;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Continuous, exact quality metrics of one model (the key): confusion matrix at the model's
 * threshold, precision, recall, specificity, F1, accuracy, ROC-AUC, average precision and curve
 * points, as scikit-learn computes them (see {@link BinaryMetrics}), both CUMULATIVE (every
 * labelled score so far) and over a sliding event-time WINDOW.
 *
 * <p>Time is {@link LabelledModelScore#time}. Every {@code slide} of event time, at each multiple
 * E of the slide reached by the watermark, two {@link MetricSnapshot}s are emitted: the window [E -
 * size, E) and everything before E. The slide is the snapshot interval: a window that slides
 * without being reported would be invisible. Snapshots go on while the window holds pairs (one
 * more when it empties), and restart with the next labelled score. A labelled score that comes
 * after its window has slid past is counted in CUMULATIVE and in {@code lateScores}.
 *
 * <p>Cost: arriving scores are appended to list state (O(1)); at each snapshot they are applied to
 * the metric state in O(log n) each and the window's expired pairs removed in O(log n) each, then
 * the metrics take one walk over the entries: at most {@code maxDistinct} for the cumulative scope
 * (see {@link io.vigil.operators.metrics.BoundedScoreLabels}), so a snapshot costs O(budget)
 * whatever the history. Batching per snapshot keeps a RocksDB backend at one read and one write of
 * the metric state per snapshot, not per record.
 *
 * <p>Checkpoints: the state is one value per model, bounded by the budget (under 1 MiB serialized
 * at the default), so a checkpoint copies (heap backend) or writes (RocksDB, once per snapshot
 * interval) a bounded value. A map of buckets would avoid rewriting unchanged buckets, but every
 * snapshot reads all of them anyway and each merge rewrites most, so it would cost more reads for
 * little saved writing. Memory per model: see {@link ModelMetricsState}.
 *
 * <p>The key is the model and its version ({@link LabelledModelScore#modelVersion()}): each version's
 * metrics are its own, and two versions show side by side.
 *
 * <p>Gauges per model version, in groups {@code model=<name>@<version>} and {@code scope=cumulative|window}: {@code
 * tp fp tn fn positives negatives precision recall specificity f1 accuracy roc_auc pr_auc
 * roc_auc_lower roc_auc_upper pr_auc_lower pr_auc_upper distinct_scores}, the values of the
 * latest snapshot this subtask emitted for the model, and {@code state_bytes}, the estimated heap
 * of that scope's entries (registered with the model's first snapshot).
 */
public class StreamingBinaryMetrics extends KeyedProcessFunction<String, LabelledModelScore, MetricSnapshot> {

  private static final long serialVersionUID = 1L;

  /** Curve points per snapshot, for dashboards. */
  public static final int MAX_CURVE_POINTS = 200;

  private static final Map<String, Function<MetricSnapshot, Number>> GAUGES = gauges();

  private final long size;
  private final long slide;
  private final int maxDistinct;

  private transient ValueState<ModelMetricsState> metrics;
  private transient ListState<LabelledModelScore> pending;
  private transient Map<String, EnumMap<MetricScope, Latest>> latest;

  /** What the gauges of one model and scope read. */
  private record Latest(MetricSnapshot snapshot, long stateBytes) {}

  /**
   * A window of {@code windowSize} sliding (and reported) every {@code slide}; size must be a
   * multiple. The cumulative scope keeps at most {@code maxDistinct} entries.
   */
  public StreamingBinaryMetrics(Duration windowSize, Duration slide, int maxDistinct) {
    this.size = windowSize.toMillis();
    this.slide = slide.toMillis();
    this.maxDistinct = maxDistinct;
    new ModelMetricsState(size, this.slide, maxDistinct); // fails fast on a bad configuration, at job build time
  }

  @Override
  public void open(OpenContext openContext) {
    metrics = getRuntimeContext().getState(
        new ValueStateDescriptor<>("binary-metrics", ModelMetricsStateSerializer.INSTANCE));
    pending = getRuntimeContext().getListState(
        new ListStateDescriptor<>("binary-metrics-pending", TypeInformation.of(LabelledModelScore.class)));
    latest = new HashMap<>();
  }

  @Override
  public void processElement(LabelledModelScore in, Context ctx, Collector<MetricSnapshot> out) throws Exception {
    pending.add(in);
    // The first snapshot instant after the pair's time that the watermark has not yet passed.
    long after = Math.max(in.time, ctx.timerService().currentWatermark() + 1);
    ctx.timerService().registerEventTimeTimer(snapshotEndAfter(after) - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricSnapshot> out) throws Exception {
    long end = timestamp + 1;
    ModelMetricsState state = metrics.value();
    if (state == null) {
      state = new ModelMetricsState(size, slide, maxDistinct);
    } else {
      state.reconfigure(size, slide, maxDistinct);
    }
    state.window().advanceTo(end);
    List<LabelledModelScore> notYet = new ArrayList<>();
    for (LabelledModelScore s : pending.get()) {
      if (s.time < end) {
        state.add(s.time, s.score, s.label, s.threshold, s.version);
      } else {
        notYet.add(s);
      }
    }
    pending.update(notYet);
    metrics.update(state);

    String key = ctx.getCurrentKey();
    String model = LabelledModelScore.modelOf(key, state.version());
    EnumMap<MetricScope, Latest> snapshots = new EnumMap<>(MetricScope.class);
    snapshots.put(MetricScope.CUMULATIVE, new Latest(
        snapshot(model, MetricScope.CUMULATIVE, null, end, state.cumulative(), state),
        state.cumulative().heapBytes()));
    snapshots.put(MetricScope.WINDOW, new Latest(
        snapshot(model, MetricScope.WINDOW, state.window().start(), end, state.window().tree(), state),
        state.window().tree().heapBytes()));
    snapshots.values().forEach(l -> out.collect(l.snapshot()));
    publish(key, snapshots);

    if (!state.window().tree().isEmpty()) {
      ctx.timerService().registerEventTimeTimer(end + slide - 1);
    }
  }

  /** Smallest multiple of the slide strictly after {@code time}. */
  private long snapshotEndAfter(long time) {
    return (Math.floorDiv(time, slide) + 1) * slide;
  }

  private static MetricSnapshot snapshot(String model, MetricScope scope, Long start, long end,
      ScoreEntries tree, ModelMetricsState state) {
    BinaryMetrics m = BinaryMetrics.of(tree, state.threshold(), MAX_CURVE_POINTS);
    List<CurvePoint> curve = new ArrayList<>(m.curve().size());
    m.curve().forEach(p -> curve.add(new CurvePoint(p.threshold(), p.fpr(), p.tpr(), p.precision())));
    return MetricSnapshot.newBuilder()
        .setModel(model)
        .setVersion(state.version())
        .setScope(scope)
        .setWindowStart(start == null ? null : Instant.ofEpochMilli(start))
        .setWindowEnd(Instant.ofEpochMilli(end))
        .setThreshold(m.threshold())
        .setPositives(m.positives())
        .setNegatives(m.negatives())
        .setTruePositives(m.truePositives())
        .setFalsePositives(m.falsePositives())
        .setTrueNegatives(m.trueNegatives())
        .setFalseNegatives(m.falseNegatives())
        .setPrecision(m.precision().value())
        .setPrecisionZeroDivision(m.precision().zeroDivision())
        .setRecall(m.recall().value())
        .setRecallZeroDivision(m.recall().zeroDivision())
        .setSpecificity(m.specificity().value())
        .setSpecificityZeroDivision(m.specificity().zeroDivision())
        .setF1(m.f1().value())
        .setF1ZeroDivision(m.f1().zeroDivision())
        .setAccuracy(m.accuracy().value())
        .setAccuracyZeroDivision(m.accuracy().zeroDivision())
        .setRocAuc(m.rocAuc())
        .setPrAuc(m.averagePrecision())
        .setDistinctScores(m.distinctScores())
        .setLateScores(state.lateScores())
        .setCurve(curve)
        .setExact(m.exact())
        .setThresholdExact(m.thresholdExact())
        .setRocAucLower(m.rocAucLower())
        .setRocAucUpper(m.rocAucUpper())
        .setPrAucLower(m.averagePrecisionLower())
        .setPrAucUpper(m.averagePrecisionUpper())
        .build();
  }

  /** Keeps the snapshots for the gauges, registering a model version's gauges the first time it is seen. */
  private void publish(String model, EnumMap<MetricScope, Latest> snapshots) {
    if (latest.put(model, snapshots) != null) {
      return;
    }
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("model", model);
    for (MetricScope scope : MetricScope.values()) {
      MetricGroup scoped = group.addGroup("scope", scope.name().toLowerCase(Locale.ROOT));
      GAUGES.forEach((name, value) ->
          scoped.gauge(name, (Gauge<Double>) () -> value.apply(latest.get(model).get(scope).snapshot()).doubleValue()));
      scoped.gauge("state_bytes", (Gauge<Long>) () -> latest.get(model).get(scope).stateBytes());
    }
  }

  private static Map<String, Function<MetricSnapshot, Number>> gauges() {
    Map<String, Function<MetricSnapshot, Number>> g = new LinkedHashMap<>();
    g.put("tp", MetricSnapshot::getTruePositives);
    g.put("fp", MetricSnapshot::getFalsePositives);
    g.put("tn", MetricSnapshot::getTrueNegatives);
    g.put("fn", MetricSnapshot::getFalseNegatives);
    g.put("positives", MetricSnapshot::getPositives);
    g.put("negatives", MetricSnapshot::getNegatives);
    g.put("precision", MetricSnapshot::getPrecision);
    g.put("recall", MetricSnapshot::getRecall);
    g.put("specificity", MetricSnapshot::getSpecificity);
    g.put("f1", MetricSnapshot::getF1);
    g.put("accuracy", MetricSnapshot::getAccuracy);
    g.put("roc_auc", MetricSnapshot::getRocAuc);
    g.put("pr_auc", MetricSnapshot::getPrAuc);
    g.put("roc_auc_lower", MetricSnapshot::getRocAucLower);
    g.put("roc_auc_upper", MetricSnapshot::getRocAucUpper);
    g.put("pr_auc_lower", MetricSnapshot::getPrAucLower);
    g.put("pr_auc_upper", MetricSnapshot::getPrAucUpper);
    g.put("distinct_scores", MetricSnapshot::getDistinctScores);
    return g;
  }
}
