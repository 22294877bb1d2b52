package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The key-scale benchmark's numbers; JSON field names are an interface: add fields, never rename. */
public record KeyScaleResult(
    int keys,
    int events,
    String stateBackend,
    double eventsPerS,
    int baselineKeys,
    int baselineEvents,
    double baselineEventsPerS,
    double scorerStateBytesPerKey,
    double jobStateBytesPerKey,
    long checkpointStateBytes,
    long checkpointIncrementalBytes,
    long checkpointDurationMs,
    long checkpointMaxDurationMs,
    long savepointBytes,
    long savepointMs,
    long freshStartMs,
    long restoreStartMs,
    long taskManagerRssBytes,
    long taskManagerPeakRssBytes,
    int parallelism) {

  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("keys", keys);
    f.put("events", events);
    f.put("state_backend", stateBackend);
    f.put("events_per_s", eventsPerS);
    f.put("baseline_keys", baselineKeys);
    f.put("baseline_events", baselineEvents);
    f.put("baseline_events_per_s", baselineEventsPerS);
    f.put("events_per_s_over_baseline", eventsPerS / baselineEventsPerS);
    f.put("scorer_state_bytes_per_key", scorerStateBytesPerKey);
    f.put("job_state_bytes_per_key", jobStateBytesPerKey);
    f.put("checkpoint_state_bytes", checkpointStateBytes);
    f.put("checkpoint_incremental_bytes", checkpointIncrementalBytes);
    f.put("checkpoint_duration_ms", checkpointDurationMs);
    f.put("checkpoint_max_duration_ms", checkpointMaxDurationMs);
    f.put("full_savepoint_bytes", savepointBytes);
    f.put("full_savepoint_ms", savepointMs);
    f.put("fresh_start_ms", freshStartMs);
    f.put("restore_start_ms", restoreStartMs);
    f.put("taskmanager_rss_bytes", taskManagerRssBytes);
    f.put("taskmanager_peak_rss_bytes", taskManagerPeakRssBytes);
    f.put("parallelism", parallelism);
    return f;
  }

  public String json() {
    return BenchResult.json(fields());
  }

  public String table() {
    StringBuilder sb = new StringBuilder();
    fields().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-34s %s%n", k,
        v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : v)));
    return sb.toString();
  }
}
