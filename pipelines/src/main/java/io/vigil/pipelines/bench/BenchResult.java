package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
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
    String models) {

  double pipelineOverNaive() {
    return pipelineEventsPerS / naiveEventsPerS;
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
      Object v = e.getValue();
      if (v instanceof String s) {
        sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else if (v instanceof Double d) {
        sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
      } else {
        sb.append(v);
      }
      sb.append(it.hasNext() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
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
        batchSize, maxDelayMs, parallelism, models);
  }
}
