package io.vigil.pipelines.demo;

import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertKind;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.CurvePoint;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricDelta;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelComparison;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelPeak;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo knows of the job's output, for the status line, the SUMMARY and the dashboard:
 * the latest cumulative metrics per model version ({@code model@version}, so the versions of a
 * swapped model show side by side) with their history, the latest alerts and model events. Thread-safe.
 */
final class DemoView {

  private static final int HISTORY = 300;
  private static final int ALERTS = 50;

  private final Map<String, MetricSnapshot> latest = new TreeMap<>();
  private final Map<String, Deque<MetricSnapshot>> history = new TreeMap<>();
  private final Deque<Alert> alerts = new ArrayDeque<>();
  private final Deque<ModelEvent> modelEvents = new ArrayDeque<>();
  private final Map<String, ModelComparison> comparisons = new TreeMap<>();

  synchronized void onMetrics(MetricSnapshot s) {
    if (s.getScope() != MetricScope.CUMULATIVE) {
      return;
    }
    String key = s.getModel() + "@" + s.getVersion();
    latest.put(key, s);
    Deque<MetricSnapshot> h = history.computeIfAbsent(key, m -> new ArrayDeque<>());
    h.addLast(s);
    if (h.size() > HISTORY) {
      h.removeFirst();
    }
  }

  synchronized void onAlert(Alert a) {
    alerts.removeIf(old -> old.getAlertId().equals(a.getAlertId()));
    alerts.addFirst(a);
    if (alerts.size() > ALERTS) {
      alerts.removeLast();
    }
  }

  synchronized void onModelEvent(ModelEvent e) {
    modelEvents.addFirst(e);
    if (modelEvents.size() > ALERTS) {
      modelEvents.removeLast();
    }
  }

  /** The latest model events, newest first: what the dashboard lists as swaps and rejections. */
  synchronized List<Map<String, Object>> dashboardModelEvents() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ModelEvent e : modelEvents) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", e.getModel());
      m.put("version", e.getVersion());
      m.put("outcome", e.getOutcome().name());
      m.put("reason", e.getReason());
      m.put("subtask", e.getSubtask());
      m.put("time", e.getTime().toEpochMilli());
      out.add(m);
    }
    return out;
  }

  synchronized void onComparison(ModelComparison c) {
    comparisons.put(c.getChallenger(), c);
  }

  /** The latest comparison per challenger: both models' values, Δ, interval and p of each metric. */
  synchronized List<Map<String, Object>> dashboardComparisons() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ModelComparison c : comparisons.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("champion", c.getChampion() + "@" + c.getChampionVersion());
      m.put("challenger", c.getChallenger() + "@" + c.getChallengerVersion());
      m.put("windowEnd", c.getWindowEnd().toEpochMilli());
      m.put("labels", c.getLabels());
      m.put("positives", c.getPositives());
      m.put("roc_auc", delta(c.getRocAuc()));
      m.put("pr_auc", delta(c.getAveragePrecision()));
      m.put("f1", delta(c.getF1()));
      m.put("challengerBetter", c.getChallengerBetter());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> delta(MetricDelta d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("champion", finite(d.getChampion()));
    m.put("challenger", finite(d.getChallenger()));
    m.put("delta", finite(d.getDelta()));
    m.put("lower", finite(d.getLower()));
    m.put("upper", finite(d.getUpper()));
    m.put("p", finite(d.getPValue()));
    return m;
  }

  /** The latest cumulative snapshot per model@version. */
  synchronized Map<String, MetricSnapshot> latest() {
    return new TreeMap<>(latest);
  }

  /**
   * {@code model.precision=... model.recall=... model.f1=... model.roc_auc=... model.pr_auc=...} per
   * model, of its newest version (the one with the latest snapshot).
   */
  synchronized String qualityKeyValues() {
    Map<String, MetricSnapshot> newest = new TreeMap<>();
    for (MetricSnapshot s : latest.values()) {
      newest.merge(s.getModel(), s, (a, b) -> b.getWindowEnd().isAfter(a.getWindowEnd()) ? b : a);
    }
    StringBuilder sb = new StringBuilder();
    for (MetricSnapshot s : newest.values()) {
      String m = s.getModel();
      sb.append(String.format(Locale.ROOT, " %s.precision=%.4f %s.recall=%.4f %s.f1=%.4f %s.roc_auc=%.4f %s.pr_auc=%.4f",
          m, s.getPrecision(), m, s.getRecall(), m, s.getF1(), m, s.getRocAuc(), m, s.getPrAuc()));
    }
    return sb.toString();
  }

  /** The dashboard's state, as the maps and lists its JSON contract describes. */
  synchronized Map<String, Object> dashboardModels() {
    Map<String, Object> models = new LinkedHashMap<>();
    for (Map.Entry<String, MetricSnapshot> e : latest.entrySet()) {
      MetricSnapshot s = e.getValue();
      List<Map<String, Object>> points = new ArrayList<>();
      for (MetricSnapshot h : history.get(e.getKey())) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("t", h.getWindowEnd().toEpochMilli());
        p.put("precision", finite(h.getPrecision()));
        p.put("recall", finite(h.getRecall()));
        p.put("f1", finite(h.getF1()));
        p.put("roc_auc", finite(h.getRocAuc()));
        p.put("pr_auc", finite(h.getPrAuc()));
        points.add(p);
      }
      List<double[]> roc = new ArrayList<>();
      List<double[]> pr = new ArrayList<>();
      for (CurvePoint c : s.getCurve()) {
        if (Double.isFinite(c.getFpr()) && Double.isFinite(c.getTpr())) {
          roc.add(new double[] {c.getFpr(), c.getTpr()});
        }
        if (Double.isFinite(c.getTpr()) && Double.isFinite(c.getPrecision())) {
          pr.add(new double[] {c.getTpr(), c.getPrecision()});
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("threshold", s.getThreshold());
      m.put("history", points);
      m.put("roc", roc);
      m.put("pr", pr);
      m.put("confusion", Map.of("tp", s.getTruePositives(), "fp", s.getFalsePositives(),
          "tn", s.getTrueNegatives(), "fn", s.getFalseNegatives()));
      m.put("exact", s.getExact());
      Map<String, Object> bounds = new LinkedHashMap<>();
      bounds.put("roc_auc", interval(s.getRocAucLower(), s.getRocAucUpper()));
      bounds.put("pr_auc", interval(s.getPrAucLower(), s.getPrAucUpper()));
      m.put("bounds", bounds);
      models.put(e.getKey(), m);
    }
    return models;
  }

  /** [lower, upper] of a metric past the budget, or null when unknown (older writer, undefined metric). */
  private static List<Double> interval(Double lower, Double upper) {
    return lower == null || upper == null || !Double.isFinite(lower) || !Double.isFinite(upper) ? null : List.of(lower, upper);
  }

  synchronized List<Map<String, Object>> dashboardAlerts() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Alert a : alerts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alertId", a.getAlertId());
      m.put("entityId", a.getEntityId());
      m.put("status", a.getStatus().name());
      m.put("openedAt", a.getOpenedAt().toEpochMilli());
      m.put("closedAt", a.getStatus() == AlertStatus.CLOSED && a.getClosedAt() != null ? a.getClosedAt().toEpochMilli() : null);
      m.put("firedModels", a.getFiredModels());
      Map<String, Object> peaks = new LinkedHashMap<>();
      for (ModelPeak p : a.getPeakScores()) {
        peaks.put(p.getModel(), p.getPeak());
      }
      m.put("peakScores", peaks);
      m.put("events", a.getEvents());
      m.put("kind", a.getKind().name());
      if (a.getKind() == AlertKind.QUALITY) {
        m.put("model", a.getModel());
        m.put("metric", a.getMetric());
        m.put("observed", a.getObserved());
        m.put("expected", a.getExpected());
      }
      out.add(m);
    }
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
