package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A soak's samples and what they say: per process, RSS at start and end and its least-squares
 * slope after the warm-up, with R². The warm-up is not judged: for its first ~100 s (measured: the
 * 30-minute soak in the README) a TaskManager's RSS climbs while ONNX Runtime's arenas, RocksDB's
 * caches and the JIT fill, then stays flat. A "clear upward trend" is, after the warm-up, a
 * TaskManager RSS slope above a quarter of its RSS per hour with R² >= 0.7 that also climbs at
 * least 3 % of its RSS over the judged time (so a short CI soak does not call the warm-up's tail a
 * leak), or its heap after a
 * full GC grown by more than {@value #HEAP_GROWTH_MB} MB (every state of the job is bounded far
 * below that at the soak's 1000 keys): a leak, not noise. JSON field names are an interface: add
 * fields, never rename.
 *
 * @param warmupSeconds samples before this are reported but not judged
 */
public record SoakResult(double minutes, double rate, long eventsSent, String jobState, long restarts, double warmupSeconds,
    List<Sample> samples) {

  static final long HEAP_GROWTH_MB = 100;
  /** In a short judged window, a climb under this share of RSS is within the warm-up's tail and the noise. */
  static final double MIN_GROWTH_SHARE = 0.03;

  /** One sampling round: per process {RSS, heap after GC, memory outside the JVM's accounting}, bytes (-1 = not measured this round). */
  public record Sample(double atSeconds, Map<String, long[]> values) {}

  private static final double MB = 1024 * 1024;

  /** RSS slope in MB per hour and its R², over the samples after the warm-up. */
  double[] slope(String process) {
    List<Sample> measured = judged();
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
      double rssMb = value(0, p, 0) / MB, judgedHours = judgedSeconds() / 3600;
      double allowedMb = Math.max(0.25 * rssMb * judgedHours, MIN_GROWTH_SHARE * rssMb);
      if (p.startsWith("taskmanager") && (s[0] * judgedHours > allowedMb && s[1] >= 0.7 || heapGrowthMb(p) > HEAP_GROWTH_MB)) {
        return true;
      }
    }
    return false;
  }

  private double judgedSeconds() {
    List<Sample> judged = judged();
    return judged.isEmpty() ? 0 : judged.get(judged.size() - 1).atSeconds() - judged.get(0).atSeconds();
  }

  private List<Sample> judged() {
    return samples.stream().filter(s -> s.atSeconds() >= warmupSeconds).toList();
  }

  /** The first judged sample that measured the heap after GC (-1 when none did). */
  private int warmedSample(String process) {
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).atSeconds() >= warmupSeconds && value(i, process, 1) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Heap after GC, last sample minus the first after the warm-up, MB; NaN when not measured. */
  private double heapGrowthMb(String process) {
    int warm = warmedSample(process);
    return warm < 0 || value(-1, process, 1) < 0 ? Double.NaN : (value(-1, process, 1) - value(warm, process, 1)) / MB;
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
    f.put("warmup_s", warmupSeconds);
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
      int warm = warmedSample(p);
      if (warm >= 0) {
        f.put(p + "_rss_warm_mb", value(warm, p, 0) / MB);
        f.put(p + "_heap_after_gc_warm_mb", value(warm, p, 1) / MB);
        f.put(p + "_outside_jvm_warm_mb", value(warm, p, 2) / MB);
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
