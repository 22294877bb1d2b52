package io.vigil.operators.quality;

import io.vigil.operators.metrics.DeLong;
import io.vigil.operators.metrics.PairedBootstrap;
import io.vigil.operators.metrics.PairedDelta;
import io.vigil.operators.metrics.PairedScores;
import io.vigil.schemas.MetricDelta;
import io.vigil.schemas.ModelComparison;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Judges a challenger (the key) against its champion on the same labelled events: a
 * {@link ModelComparison} with ΔROC-AUC (DeLong's paired test), Δ average precision and ΔF1 at
 * each model's threshold (paired bootstrap), over the most recent {@link ComparisonRules#windowPairs()}
 * pairs — a bound by count, so each record rests on a known amount of evidence however fast
 * labels come.
 *
 * <p>Time is {@link LabelledPair#time}. At each multiple E of the interval reached by the
 * watermark, the pairs before E that arrived since the last record join the window (sorted by
 * time and eventId, so a rerun builds the same window), and one record is emitted if any did and
 * the window holds both classes. A pair of other versions than the window's (a model was swapped)
 * starts a new window: a comparison is always of two fixed versions. The bootstrap's seed mixes the
 * configured seed with E, so a record is reproducible from its pairs.
 *
 * <p>Cost per record: O(n log n) for DeLong's midranks and O(resamples × n) for the bootstrap,
 * n the window's pairs. State per challenger: the window, about 17 bytes a pair (340 KiB at 20 000).
 *
 * <p>Gauges in group {@code challenger=<name>}: {@code comparison_pairs} (pairs in the window),
 * {@code comparison_capacity} (its bound), {@code delta_roc_auc}, {@code delta_ap}, {@code delta_f1}
 * and {@code challenger_better} (1 or 0) of the latest record this subtask emitted.
 */
public class ChallengerComparison extends KeyedProcessFunction<String, LabelledPair, ModelComparison> {

  private static final long serialVersionUID = 1L;

  private static final Comparator<LabelledPair> ARRIVAL_ORDER =
      Comparator.<LabelledPair>comparingLong(p -> p.time).thenComparing(p -> p.eventId);

  private final ComparisonRules rules;
  private final long every;

  private transient ValueState<PairWindow> window;
  private transient ListState<LabelledPair> pending;
  private transient Map<String, Latest> latest;

  /** What one challenger's gauges read. */
  private record Latest(int pairs, ModelComparison comparison) {}

  public ChallengerComparison(ComparisonRules rules) {
    this.rules = rules;
    this.every = rules.every().toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    window = getRuntimeContext().getState(new ValueStateDescriptor<>("comparison-window", TypeInformation.of(PairWindow.class)));
    pending = getRuntimeContext().getListState(
        new ListStateDescriptor<>("comparison-pending", TypeInformation.of(LabelledPair.class)));
    latest = new HashMap<>();
  }

  @Override
  public void processElement(LabelledPair pair, Context ctx, Collector<ModelComparison> out) throws Exception {
    pending.add(pair);
    long after = Math.max(pair.time, ctx.timerService().currentWatermark() + 1);
    ctx.timerService().registerEventTimeTimer((Math.floorDiv(after, every) + 1) * every - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelComparison> out) throws Exception {
    long end = timestamp + 1;
    List<LabelledPair> due = new ArrayList<>();
    List<LabelledPair> notYet = new ArrayList<>();
    for (LabelledPair p : pending.get()) {
      (p.time < end ? due : notYet).add(p);
    }
    pending.update(notYet);
    if (due.isEmpty()) {
      return;
    }
    due.sort(ARRIVAL_ORDER);
    PairWindow w = window.value();
    for (LabelledPair p : due) {
      if (w == null || !w.holds(p)) {
        w = PairWindow.empty(rules.windowPairs(), p);
      }
      w.add(p);
    }
    window.update(w);
    PairedScores data = w.paired();
    int positives = data.positives();
    if (positives == 0 || positives == data.size()) {
      return;
    }
    ModelComparison c = compare(ctx.getCurrentKey(), w, data, positives, end);
    out.collect(c);
    publish(ctx.getCurrentKey(), new Latest(w.count, c));
  }

  private ModelComparison compare(String challenger, PairWindow w, PairedScores data, int positives, long end) {
    long seed = rules.seed() * 0x9E3779B97F4A7C15L ^ end;
    PairedDelta auc = DeLong.compare(data, rules.confidence());
    PairedBootstrap.Result boot = PairedBootstrap.compare(data, rules.resamples(), seed, rules.confidence());
    return ModelComparison.newBuilder()
        .setChampion(w.champion)
        .setChampionVersion(w.championVersion)
        .setChallenger(challenger)
        .setChallengerVersion(w.challengerVersion)
        .setWindowStart(Instant.ofEpochMilli(w.oldestTime()))
        .setWindowEnd(Instant.ofEpochMilli(end))
        .setLabels(data.size())
        .setPositives(positives)
        .setConfidence(rules.confidence())
        .setRocAuc(delta(auc))
        .setAveragePrecision(delta(boot.averagePrecision()))
        .setF1(delta(boot.f1()))
        .setResamples(rules.resamples())
        .setSeed(seed)
        .setChallengerBetter(auc.challengerBetter() && boot.averagePrecision().challengerBetter())
        .build();
  }

  private static MetricDelta delta(PairedDelta d) {
    return new MetricDelta(d.champion(), d.challenger(), d.delta(), d.lower(), d.upper(), d.pValue(),
        Double.isNaN(d.z()) ? null : d.z());
  }

  /** Keeps the record for the gauges, registering a challenger's gauges the first time it is seen. */
  private void publish(String challenger, Latest now) {
    if (latest.put(challenger, now) != null) {
      return;
    }
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("challenger", challenger);
    g.gauge("comparison_pairs", (Gauge<Integer>) () -> latest.get(challenger).pairs());
    g.gauge("comparison_capacity", (Gauge<Integer>) rules::windowPairs);
    g.gauge("delta_roc_auc", (Gauge<Double>) () -> latest.get(challenger).comparison().getRocAuc().getDelta());
    g.gauge("delta_ap", (Gauge<Double>) () -> latest.get(challenger).comparison().getAveragePrecision().getDelta());
    g.gauge("delta_f1", (Gauge<Double>) () -> latest.get(challenger).comparison().getF1().getDelta());
    g.gauge("challenger_better", (Gauge<Integer>) () -> latest.get(challenger).comparison().getChallengerBetter() ? 1 : 0);
  }
}
