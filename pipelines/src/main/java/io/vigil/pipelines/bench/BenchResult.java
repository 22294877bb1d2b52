package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark run's numbers. The JSON field names are an interface (scripts read them):
 * add fields, never rename.
 */
public record BenchResult(
    double ceilingEventsPerS,
    double passthroughEventsPerS,
    double naiveEventsPerS,
    double pipelineEventsPerS,
    double p50Ms,
    double p99Ms,
    double fullLoadRate,
    double halfLoadP50Ms,
    double halfLoadP99Ms,
    double halfLoadRate,
    int batchSize,
    long maxDelayMs,
    int parallelism,
    String models,
    List<DeliveryLatency> deliveryLatency,
    int intraOpThreads,
    String labelJoin,
    OtherLabelJoin otherLabelJoin,
    double unbatchedCeilingEventsPerS,
    PairedRuns runs,
    PairedRuns naiveRuns) {

  /** (a') and (c) run again in the same invocation with the label join keyed the other way. */
  public record OtherLabelJoin(String labelJoin, double passthroughEventsPerS, double pipelineEventsPerS) {}

  /** Without delivery-latency runs. */
  public BenchResult(double ceilingEventsPerS, double passthroughEventsPerS, double naiveEventsPerS,
      double pipelineEventsPerS, double p50Ms, double p99Ms, double fullLoadRate, double halfLoadP50Ms,
      double halfLoadP99Ms, double halfLoadRate, int batchSize, long maxDelayMs, int parallelism, String models) {
    this(ceilingEventsPerS, passthroughEventsPerS, naiveEventsPerS, pipelineEventsPerS, p50Ms, p99Ms, fullLoadRate,
        halfLoadP50Ms, halfLoadP99Ms, halfLoadRate, batchSize, maxDelayMs, parallelism, models, List.of(), 1, "entity", null, Double.NaN,
        PairedRuns.single(passthroughEventsPerS, pipelineEventsPerS), PairedRuns.single(naiveEventsPerS, pipelineEventsPerS));
  }

  /** The cores the whole benchmark shares (job, broker, producers and readers run in one process). */
  static final int CORES = Runtime.getRuntime().availableProcessors();

  /** The median over the (b) / (c) turns: with one turn, (c) / (b). */
  double pipelineOverNaive() {
    return naiveRuns.ratioMedian();
  }

  /** The median over the (a') / (c) pairs: with one pair, (c) / (a'). */
  double pipelineOverPassthrough() {
    return runs.ratioMedian();
  }

  /**
   * (c) / (a') if (c) cost exactly (a') plus its ONNX calls as they cost alone ((a)): (c) does all
   * that (a') does plus those calls, so up to the runs' noise this is the most (c) / (a') can be.
   */
  double pipelineOverPassthroughFromParts() {
    return 1 / (1 + passthroughEventsPerS / ceilingEventsPerS);
  }

  /**
   * (c) / (b) if each job cost exactly the pass-through job's I/O plus its ONNX calls: batched
   * ((a)) for (c), one event at a time ((a1)) for (b). Time per event is what the rates' inverses add.
   */
  double pipelineOverNaiveFromParts() {
    double io = 1 / passthroughEventsPerS;
    return (io + 1 / unbatchedCeilingEventsPerS) / (io + 1 / ceilingEventsPerS);
  }

  double pipelineOverLowerCeiling() {
    return pipelineEventsPerS / Math.min(ceilingEventsPerS, passthroughEventsPerS);
  }

  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("ceiling_events_per_s", ceilingEventsPerS);
    f.put("passthrough_events_per_s", passthroughEventsPerS);
    f.put("naive_events_per_s", naiveEventsPerS);
    f.put("pipeline_events_per_s", pipelineEventsPerS);
    f.put("p50_ms", p50Ms);
    f.put("p99_ms", p99Ms);
    f.put("full_load_events_per_s", fullLoadRate);
    f.put("half_load_p50_ms", halfLoadP50Ms);
    f.put("half_load_p99_ms", halfLoadP99Ms);
    f.put("half_load_events_per_s", halfLoadRate);
    f.put("pipeline_over_naive", pipelineOverNaive());
    f.put("pipeline_over_lower_ceiling", pipelineOverLowerCeiling());
    f.put("batch_size", batchSize);
    f.put("max_delay_ms", maxDelayMs);
    f.put("parallelism", parallelism);
    f.put("models", models);
    f.put("intra_op_threads", intraOpThreads);
    f.put("delivery_latency", deliveryLatency.stream().map(DeliveryLatency::fields).toList());
    f.put("label_join", labelJoin);
    f.put("pipeline_over_passthrough", pipelineOverPassthrough());
    f.put("cores", CORES);
    f.put("pipeline_events_per_s_per_core", pipelineEventsPerS / CORES);
    f.put("ceiling_batch1_events_per_s", unbatchedCeilingEventsPerS);
    f.put("repeats", runs.pipeline().size());
    f.put("passthrough_runs_events_per_s", runs.baseline());
    f.put("pipeline_runs_events_per_s", runs.pipeline());
    f.put("naive_runs_events_per_s", naiveRuns.baseline());
    f.put("pipeline_over_passthrough_from_parts", pipelineOverPassthroughFromParts());
    f.put("pipeline_over_naive_from_parts", pipelineOverNaiveFromParts());
    if (otherLabelJoin != null) {
      f.put("other_label_join", otherLabelJoin.labelJoin());
      f.put("other_join_passthrough_events_per_s", otherLabelJoin.passthroughEventsPerS());
      f.put("other_join_pipeline_events_per_s", otherLabelJoin.pipelineEventsPerS());
    }
    return f;
  }

  public String json() {
    return json(fields());
  }

  /** A flat JSON object, numbers with three decimals, NaN as null. */
  static String json(Map<String, Object> fields) {
    StringBuilder sb = new StringBuilder("{\n");
    var it = fields.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      sb.append("  \"").append(e.getKey()).append("\": ");
      value(sb, e.getValue());
      sb.append(it.hasNext() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  private static void value(StringBuilder sb, Object v) {
    if (v instanceof String s) {
      sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ", ");
        value(sb, list.get(i));
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      var it = map.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        sb.append('"').append(e.getKey()).append("\": ");
        value(sb, e.getValue());
        sb.append(it.hasNext() ? ", " : "");
      }
      sb.append('}');
    } else {
      sb.append(v);
    }
  }

  public String table() {
    return String.format(Locale.ROOT, """
        %-58s %12s
        %-58s %12.0f
        %-58s %12.0f
        %-58s %12.0f
        %-58s %12.0f
        %-58s %12.1f
        %-58s %12.1f
        %-58s %12.1f
        %-58s %12.1f
        %-58s %11.1fx
        %-58s %11.0f%%
        batch size %d, max delay %d ms, parallelism %d, models %s
        ONNX Runtime: %s intra-op threads per call (0 = its default), one session per model shared by the slots
        """,
        "measure", "value",
        "(a)  ONNX Runtime only, pre-built batches (events/s)", ceilingEventsPerS,
        "(a') Kafka -> Flink -> Kafka, pass-through scorer (events/s)", passthroughEventsPerS,
        "(b)  naive: one ONNX call per event per model (events/s)", naiveEventsPerS,
        "(c)  Vigil: micro-batched across keys (events/s)", pipelineEventsPerS,
        String.format(Locale.ROOT, "(c)  p50 event-to-score ms at full load (%.0f/s)", fullLoadRate), p50Ms,
        "(c)  p99 event-to-score ms at full load", p99Ms,
        String.format(Locale.ROOT, "(c)  p50 event-to-score ms at half load (%.0f/s)", halfLoadRate), halfLoadP50Ms,
        "(c)  p99 event-to-score ms at half load", halfLoadP99Ms,
        "(c) / (b)", pipelineOverNaive(),
        "(c) / min((a), (a'))", 100 * pipelineOverLowerCeiling(),
        batchSize, maxDelayMs, parallelism, models, intraOpThreads)
        + String.format(Locale.ROOT, "label join by %s; (c) / (a') %.0f%%; (c) per core (%d cores) %.0f events/s%n", labelJoin,
            100 * pipelineOverPassthrough(), CORES, pipelineEventsPerS / CORES)
        + runsLine()
        + String.format(Locale.ROOT, "(a1) ONNX Runtime only, batch 1, the models one after another: %.0f events/s; "
            + "(a) / (a1) = %.1fx is what batching alone can win%n", unbatchedCeilingEventsPerS,
            ceilingEventsPerS / unbatchedCeilingEventsPerS)
        + String.format(Locale.ROOT, "from the parts, if each job cost (a')'s I/O plus its ONNX calls as they cost alone: "
            + "(c) / (a') %.0f%% (the most it can be, up to noise), (c) / (b) %.1fx%n", 100 * pipelineOverPassthroughFromParts(),
            pipelineOverNaiveFromParts())
        + otherJoinLine() + deliveryTable();
  }

  private String runsLine() {
    if (runs.pipeline().size() == 1) {
      return "";
    }
    return String.format(Locale.ROOT,
        "(b), (a') and (c) in %d turns, medians above, ratios the medians of the turns'; (b) runs %s, (a') runs %s, (c) runs %s events/s%n",
        runs.pipeline().size(), rates(naiveRuns.baseline()), rates(runs.baseline()), rates(runs.pipeline()));
  }

  private static String rates(List<Double> values) {
    return String.join(" ", values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
  }

  private String otherJoinLine() {
    if (otherLabelJoin == null) {
      return "";
    }
    return String.format(Locale.ROOT, "same run, label join by %s: (a') %.0f, (c) %.0f events/s, (c) / (a') %.0f%%%n",
        otherLabelJoin.labelJoin(), otherLabelJoin.passthroughEventsPerS(), otherLabelJoin.pipelineEventsPerS(),
        100 * otherLabelJoin.pipelineEventsPerS() / otherLabelJoin.passthroughEventsPerS());
  }

  private String deliveryTable() {
    if (deliveryLatency.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%nhalf load, event -> record written / readable (reader isolation as the delivery requires), ms%n"
            + "%-26s %-7s %-14s %6s %4s %7s %7s %7s %7s %7s %7s %7s %7s%n",
        "mode", "output", "delivery", "ckpt", "log", "n", "w p50", "w p99", "w p99.9", "v p50", "v p99", "v p99.9",
        "gc max"));
    for (DeliveryLatency d : deliveryLatency) {
      sb.append(String.format(Locale.ROOT, "%-26s %-7s %-14s %6d %4s %7d %7.0f %7.0f %7.0f %7.0f %7.0f %7.0f %7d%n",
          d.mode(), d.output(), d.delivery(), d.checkpointIntervalMs(), d.changelog() ? "on" : "off", d.samples(),
          d.writeMs()[0], d.writeMs()[1], d.writeMs()[2], d.visibleMs()[0], d.visibleMs()[1], d.visibleMs()[2],
          d.gcPauses()[2]));
    }
    return sb.toString();
  }
}
