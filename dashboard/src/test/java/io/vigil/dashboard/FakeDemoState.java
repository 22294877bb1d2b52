package io.vigil.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Plausible, changing dashboard state in the demo's JSON contract, without the demo: three models
 * whose scores are binormal (anomalies shifted by {@code separation} standard deviations), so
 * their ROC and PR curves, confusion matrices and metrics agree with each other. One tick per
 * wall-clock second, like the demo; it starts with {@link #BACKFILL} seconds of history, the
 * first few without positives yet (null metrics), as early in a real run.
 */
final class FakeDemoState implements Supplier<String> {

  static final int BACKFILL = 40;
  private static final int HISTORY = 300;
  private static final double BASE_RATE = 0.04;
  private static final String[] NAMES = {"recurrent", "cnn", "autoencoder"};
  private static final double[] SEPARATION = {2.4, 1.8, 1.3};
  private static final double[] THRESHOLD = {0.30, 0.55, 0.012};
  /** Where each model's threshold cuts, in standard deviations of the normal scores. */
  private static final double[] CUT = {1.6, 1.5, 1.4};

  private final Random random = new Random(7);
  private final List<Deque<String>> history = new ArrayList<>();
  private final Deque<Alert> alerts = new ArrayDeque<>();
  private long now;
  private long events;
  private long deadLetters;
  private long labels;
  private double rate;
  private int alertCount;

  FakeDemoState() {
    for (int m = 0; m < NAMES.length; m++) {
      history.add(new ArrayDeque<>());
    }
    now = System.currentTimeMillis() - BACKFILL * 1000L;
    for (int i = 0; i < BACKFILL; i++) {
      tick();
    }
  }

  @Override
  public synchronized String get() {
    while (now + 1000 <= System.currentTimeMillis()) {
      tick();
    }
    return json();
  }

  private void tick() {
    now += 1000;
    rate = 9800 + 400 * Math.sin(now / 9000.0) + 150 * random.nextGaussian();
    events += (long) rate;
    deadLetters += (long) (rate * 0.002 + random.nextInt(3));
    labels = (long) (events * 0.75);
    for (int m = 0; m < NAMES.length; m++) {
      history.get(m).addLast(historyPoint(m));
      if (history.get(m).size() > HISTORY) {
        history.get(m).removeFirst();
      }
    }
    if (random.nextDouble() < 0.5) {
      alerts.addFirst(new Alert(++alertCount, now - random.nextInt(800)));
    }
    for (Alert alert : alerts) {
      if (alert.closedAt == 0 && now - alert.openedAt > 4000 && random.nextDouble() < 0.25) {
        alert.closedAt = now;
      }
      if (alert.closedAt == 0) {
        alert.events += 1 + random.nextInt(3);
      }
    }
    while (alerts.size() > 40) {
      alerts.removeLast();
    }
  }

  /** Confusion counts at the model's threshold; labels trickle in, so noise shrinks with time. */
  private long[] confusion(int m) {
    double positives = labels * BASE_RATE;
    double negatives = labels - positives;
    double tpr = tail(CUT[m] - SEPARATION[m]);
    double fpr = tail(CUT[m]);
    long tp = Math.round(positives * tpr);
    long fp = Math.round(negatives * fpr);
    return new long[] {tp, fp, Math.round(negatives) - fp, Math.round(positives) - tp};
  }

  private String historyPoint(int m) {
    long[] c = confusion(m);
    if (labels < 60_000) { // too few labelled anomalies yet: metrics undefined, as in the demo
      return String.format(Locale.ROOT, "{\"t\":%d,\"precision\":null,\"recall\":null,\"f1\":null,\"roc_auc\":null,\"pr_auc\":null}", now);
    }
    double noise = 0.25 / Math.sqrt(labels / 10_000.0);
    double precision = clamp(c[0] / (double) (c[0] + c[1]) + noise * random.nextGaussian());
    double recall = clamp(c[0] / (double) (c[0] + c[3]) + noise * random.nextGaussian());
    double f1 = 2 * precision * recall / (precision + recall);
    return String.format(Locale.ROOT, "{\"t\":%d,\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f,\"roc_auc\":%.4f,\"pr_auc\":%.4f}",
        now, precision, recall, f1, clamp(rocAuc(m) + noise * 0.3 * random.nextGaussian()), prAuc(m));
  }

  private String json() {
    StringBuilder out = new StringBuilder(64_000);
    out.append(String.format(Locale.ROOT,
        "{\"time\":%d,\"throughput\":{\"events_per_s\":%.1f,\"events\":%d,\"scored\":%d,\"dead_letters\":%d,\"keys\":1000,\"labels\":%d},",
        now, rate, events, events - deadLetters - 300, deadLetters, labels));
    out.append(String.format(Locale.ROOT, "\"latency_ms\":{\"p50\":%.1f,\"p99\":%.1f},\"models\":{",
        11 + 2 * Math.sin(now / 5000.0) + random.nextDouble(), 42 + 8 * Math.sin(now / 7000.0) + 3 * random.nextDouble()));
    for (int m = 0; m < NAMES.length; m++) {
      long[] c = confusion(m);
      out.append(m == 0 ? "" : ",").append('"').append(NAMES[m]).append("\":{");
      out.append(String.format(Locale.ROOT, "\"threshold\":%s,\"history\":[", THRESHOLD[m]));
      out.append(String.join(",", history.get(m))).append("],\"roc\":[");
      appendCurve(out, m, false);
      out.append("],\"pr\":[");
      appendCurve(out, m, true);
      out.append(String.format(Locale.ROOT, "],\"confusion\":{\"tp\":%d,\"fp\":%d,\"tn\":%d,\"fn\":%d}", c[0], c[1], c[2], c[3]));
      // The first model has passed its metrics budget: its AUCs come with proven intervals.
      out.append(m == 0 ? String.format(Locale.ROOT, ",\"exact\":false,\"bounds\":{\"roc_auc\":[%.5f,%.5f],\"pr_auc\":[%.5f,%.5f]}}",
          rocAuc(m) - 1e-4, rocAuc(m) + 1e-4, prAuc(m) - 2e-4, prAuc(m) + 2e-4) : "}");
    }
    out.append("},\"alerts\":[");
    // The recurrent model's live recall fell below its validation value: a QUALITY alert, open.
    out.append(String.format(Locale.ROOT, "{\"alertId\":\"quality:recurrent@%d\",\"entityId\":\"recurrent\",\"status\":\"OPEN\","
        + "\"openedAt\":%d,\"closedAt\":null,\"firedModels\":[\"recurrent\"],\"peakScores\":{},\"events\":3,"
        + "\"kind\":\"QUALITY\",\"model\":\"recurrent\",\"metric\":\"recall\",\"observed\":0.12,\"expected\":0.31}",
        now - 20_000, now - 20_000));
    for (Alert alert : alerts) {
      out.append(',').append(alert.json());
    }
    out.append("],\"comparisons\":[");
    out.append(String.format(Locale.ROOT, "{\"champion\":\"recurrent@1.0.0\",\"challenger\":\"cnn@1.0.0\",\"windowEnd\":%d,"
        + "\"labels\":20000,\"positives\":800,\"challengerBetter\":false,"
        + "\"roc_auc\":{\"champion\":%.4f,\"challenger\":%.4f,\"delta\":%.4f,\"lower\":%.4f,\"upper\":%.4f,\"p\":0.0001},"
        + "\"pr_auc\":{\"champion\":%.4f,\"challenger\":%.4f,\"delta\":%.4f,\"lower\":%.4f,\"upper\":%.4f,\"p\":0.002},"
        + "\"f1\":{\"champion\":0.41,\"challenger\":0.38,\"delta\":-0.03,\"lower\":-0.05,\"upper\":-0.01,\"p\":0.004}}",
        now, rocAuc(0), rocAuc(1), rocAuc(1) - rocAuc(0), rocAuc(1) - rocAuc(0) - 0.01, rocAuc(1) - rocAuc(0) + 0.01,
        prAuc(0), prAuc(1), prAuc(1) - prAuc(0), prAuc(1) - prAuc(0) - 0.02, prAuc(1) - prAuc(0) + 0.02));
    return out.append("]}").toString();
  }

  /** ROC as (fpr, tpr) or PR as (recall, precision), from the strictest cut to the loosest. */
  private static void appendCurve(StringBuilder out, int m, boolean pr) {
    for (int i = 0; i <= 40; i++) {
      double cut = 5 - i * 0.25;
      double tpr = tail(cut - SEPARATION[m]);
      double fpr = tail(cut);
      double precision = tpr * BASE_RATE + fpr * (1 - BASE_RATE) == 0 ? 1 : tpr * BASE_RATE / (tpr * BASE_RATE + fpr * (1 - BASE_RATE));
      out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.4f,%.4f]", pr ? tpr : fpr, pr ? precision : tpr));
    }
  }

  private static double rocAuc(int m) {
    return 1 - tail(SEPARATION[m] / Math.sqrt(2));
  }

  private static double prAuc(int m) {
    double area = 0;
    double lastRecall = 0;
    for (int i = 0; i <= 400; i++) {
      double cut = 5 - i * 0.025;
      double tpr = tail(cut - SEPARATION[m]);
      double fpr = tail(cut);
      area += (tpr - lastRecall) * (tpr * BASE_RATE / (tpr * BASE_RATE + fpr * (1 - BASE_RATE)));
      lastRecall = tpr;
    }
    return area;
  }

  /** P(Z > z) for a standard normal Z (Abramowitz–Stegun 7.1.26, error below 1e-7). */
  private static double tail(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        * Math.exp(-x * x);
    return z >= 0 ? erfc / 2 : 1 - erfc / 2;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private final class Alert {
    final int id;
    final long openedAt;
    final String entity;
    final List<Integer> models = new ArrayList<>();
    final double[] peaks = new double[NAMES.length];
    long closedAt;
    int events = 1;

    Alert(int id, long openedAt) {
      this.id = id;
      this.openedAt = openedAt;
      this.entity = String.format(Locale.ROOT, "entity-%05d", random.nextInt(1000));
      for (int m = 0; m < NAMES.length; m++) {
        if (models.isEmpty() && m == NAMES.length - 1 || random.nextDouble() < 0.5) {
          models.add(m);
          peaks[m] = THRESHOLD[m] + (1 - THRESHOLD[m]) * random.nextDouble() * (m == 2 ? 0.05 : 1);
        }
      }
    }

    String json() {
      StringBuilder fired = new StringBuilder();
      StringBuilder scores = new StringBuilder();
      for (int m : models) {
        fired.append(fired.length() == 0 ? "" : ",").append('"').append(NAMES[m]).append('"');
        scores.append(scores.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"%s\":%.3f", NAMES[m], peaks[m]));
      }
      return String.format(Locale.ROOT,
          "{\"alertId\":\"%s@%d\",\"entityId\":\"%s\",\"status\":\"%s\",\"openedAt\":%d,\"closedAt\":%s,\"firedModels\":[%s],\"peakScores\":{%s},\"events\":%d}",
          entity, openedAt, entity, closedAt == 0 ? "OPEN" : "CLOSED", openedAt, closedAt == 0 ? "null" : Long.toString(closedAt),
          fired, scores, events);
    }
  }
}
