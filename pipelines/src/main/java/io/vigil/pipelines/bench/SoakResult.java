package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A soak's samples and what they say: per process, RSS at start and end and its least-squares
 * slope (after the first quarter of the run, the warm-up), with R². A "clear upward trend" is a
 * TaskManager RSS slope above a quarter of its RSS per hour with R² >= 0.7: a leak, not noise.
 * JSON field names are an interface: add fields, never rename.
 */
public record SoakResult(double minutes, double rate, long eventsSent, String jobState, long restarts, List<Sample> samples) {

  /** One sampling round: per process {RSS, heap after GC, memory outside the JVM's accounting}, bytes (-1 = not measured this round). */
  public record Sample(double atSeconds, Map<String, long[]> values) {}

  private static final double MB = 1024 * 1024;

  /** RSS slope in MB per hour and its R², over the samples after the warm-up. */
  double[] slope(String process) {
    List<Sample> measured = samples.subList(samples.size() / 4, samples.size());
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (Sample s : measured) {
      long rss = s.values().get(process)[0];
      if (rss < 0) {
        continue;
      }
      double x = s.atSeconds() / 3600, y = rss / MB;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
    }
    double cov = n * sxy - sx * sy, vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
    if (n < 3 || vx == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {cov / vx, vy == 0 ? 0 : cov * cov / (vx * vy)};
  }

  public boolean clearUpwardTrend() {
    for (String p : processes()) {
      double[] s = slope(p);
      if (p.startsWith("taskmanager") && s[0] > 0.25 * value(0, p, 0) / MB && s[1] >= 0.7) {
        return true;
      }
    }
    return false;
  }

  private List<String> processes() {
    return List.copyOf(samples.get(0).values().keySet());
  }

  private long value(int sample, String process, int which) {
    return samples.get(sample < 0 ? samples.size() + sample : sample).values().get(process)[which];
  }

  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("soak_minutes", minutes);
    f.put("events_per_s", rate);
    f.put("events_sent", eventsSent);
    f.put("job_state", jobState);
    f.put("restarts", restarts);
    f.put("samples", samples.size());
    for (String p : processes()) {
      double[] s = slope(p);
      f.put(p + "_rss_start_mb", value(0, p, 0) / MB);
      f.put(p + "_rss_end_mb", value(-1, p, 0) / MB);
      f.put(p + "_rss_slope_mb_per_h", s[0]);
      f.put(p + "_rss_slope_r2", s[1]);
      if (value(0, p, 1) >= 0) {
        f.put(p + "_heap_after_gc_start_mb", value(0, p, 1) / MB);
        f.put(p + "_heap_after_gc_end_mb", value(-1, p, 1) / MB);
        f.put(p + "_outside_jvm_start_mb", value(0, p, 2) / MB);
        f.put(p + "_outside_jvm_end_mb", value(-1, p, 2) / MB);
      }
    }
    f.put("clear_upward_trend", clearUpwardTrend());
    return f;
  }

  public String json() {
    return BenchResult.json(fields());
  }

  public String table() {
    StringBuilder sb = new StringBuilder();
    fields().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-44s %s%n", k,
        v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : v)));
    return sb.toString();
  }
}
