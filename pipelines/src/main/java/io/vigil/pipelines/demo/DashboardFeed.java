package io.vigil.pipelines.demo;

import io.vigil.pipelines.replay.EventProducer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard's state as JSON (the contract in dashboard/README.md), rebuilt at most once a
 * second however many browsers ask: throughput, latency, per-model quality and the alert feed.
 */
final class DashboardFeed implements Supplier<String> {

  private static final long REFRESH_MS = 1000;

  private final ObjectMapper json = new ObjectMapper();
  private final EventProducer producer;
  private final OutputMonitor monitor;
  private final DemoView view;
  private long builtAt;
  private long processedAtBuild;
  private String latest = "{}";

  DashboardFeed(EventProducer producer, OutputMonitor monitor, DemoView view) {
    this.producer = producer;
    this.monitor = monitor;
    this.view = view;
  }

  @Override
  public synchronized String get() {
    long now = System.currentTimeMillis();
    if (now - builtAt >= REFRESH_MS) {
      latest = build(now);
    }
    return latest;
  }

  private String build(long now) {
    long processed = monitor.scored.get() + monitor.dead.get();
    double visibleRate = builtAt == 0 ? 0 : (processed - processedAtBuild) * 1000.0 / (now - builtAt);
    builtAt = now;
    processedAtBuild = processed;
    Map<String, Object> throughput = new LinkedHashMap<>();
    // By write time: exactly-once output is readable only in bursts, one per checkpoint.
    throughput.put("events_per_s", monitor.processing.perSecond(now));
    throughput.put("visible_events_per_s", visibleRate);
    throughput.put("events", producer.sent.get());
    throughput.put("scored", monitor.scored.get());
    throughput.put("dead_letters", monitor.dead.get());
    throughput.put("keys", monitor.keys());
    throughput.put("labels", producer.labelsSent.get());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", finite(monitor.latency.percentile(0.5)));
    latency.put("p99", finite(monitor.latency.percentile(0.99)));
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("time", now);
    state.put("throughput", throughput);
    state.put("latency_ms", latency);
    state.put("models", view.dashboardModels());
    state.put("alerts", view.dashboardAlerts());
    state.put("model_events", view.dashboardModelEvents());
    state.put("comparisons", view.dashboardComparisons());
    try {
      return json.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the dashboard state", e);
    }
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
