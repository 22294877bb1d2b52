package io.vigil.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * The scikit-learn fixtures of {@code src/test/resources/metrics-oracle/} (written by its
 * gen_oracle.py) and the comparison with them, shared by the pure and the Flink tests.
 */
public final class MetricsOracle {

  /** Agreement required with scikit-learn for every real-valued metric. */
  public static final double TOLERANCE = 1e-9;

  public static final long SLIDING_SIZE = 5000;
  public static final long SLIDING_SLIDE = 1000;

  public record Sample(long time, float score, boolean label) {}

  /** One row of expected.csv: column name to text. */
  public record Expected(Map<String, String> columns) {
    public String get(String column) {
      return columns.get(column);
    }

    public long windowEnd() {
      return Long.parseLong(get("window_end"));
    }

    public float threshold() {
      return Float.parseFloat(get("threshold"));
    }
  }

  private MetricsOracle() {}

  public static List<Expected> expected(String caseName) {
    return read("expected.csv").stream()
        .filter(row -> row.get("case").equals(caseName))
        .map(Expected::new)
        .toList();
  }

  /** The case's expected row where there is only one (not the sliding case). */
  public static Expected single(String caseName) {
    List<Expected> rows = expected(caseName);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  /** The case's full curves as rows of curves.csv (threshold, fpr, tpr, precision). */
  public static List<Map<String, String>> curve(String caseName) {
    return read("curves.csv").stream().filter(row -> row.get("case").equals(caseName)).toList();
  }

  /**
   * The samples of a case, in arrival order: small cases from samples.csv, large ones drawn exactly
   * as gen_oracle.py draws them.
   */
  public static List<Sample> samples(String caseName) {
    return switch (caseName) {
      case "random_1e5" -> draw(1, 100_000, (i, u, label, rng) ->
          new Sample(i, (float) ((u - (1 << 23)) / (double) (1 << 20)), label));
      case "smooth_1e6" -> draw(4, 1_000_000, (i, u, label, rng) -> new Sample(i, (float) (u / (double) (1 << 24)), label));
      case "downsample" -> draw(2, 1000, (i, u, label, rng) -> new Sample(i, (float) (u / (double) (1 << 24)), label));
      case "sliding" -> draw(3, 3000, (i, u, label, rng) ->
          new Sample(i * 10 + (rng.next() >>> 40) % 300, (float) ((u >>> 16) / 256.0), label));
      default -> read("samples.csv").stream()
          .filter(row -> row.get("case").equals(caseName))
          .map(row -> new Sample(Long.parseLong(row.get("time")), Float.parseFloat(row.get("score")),
              row.get("label").equals("1")))
          .toList();
    };
  }

  /** Metric values by expected.csv's column names. */
  public static Map<String, Number> columns(BinaryMetrics m) {
    Map<String, Number> c = new LinkedHashMap<>();
    c.put("threshold", m.threshold());
    c.put("positives", m.positives());
    c.put("negatives", m.negatives());
    c.put("tp", m.truePositives());
    c.put("fp", m.falsePositives());
    c.put("tn", m.trueNegatives());
    c.put("fn", m.falseNegatives());
    ratio(c, "precision", m.precision());
    ratio(c, "recall", m.recall());
    ratio(c, "specificity", m.specificity());
    ratio(c, "f1", m.f1());
    ratio(c, "accuracy", m.accuracy());
    c.put("roc_auc", m.rocAuc());
    c.put("pr_auc", m.averagePrecision());
    c.put("distinct", m.distinctScores());
    return c;
  }

  /** Every column agrees: counts and flags exactly, reals within {@link #TOLERANCE}, NaN with NaN. */
  public static void assertAgrees(Map<String, Number> actual, Expected expected, String what) {
    SoftAssertions soft = new SoftAssertions();
    actual.forEach((column, value) -> {
      String want = expected.get(column);
      String label = what + " " + column;
      if (value instanceof Double || value instanceof Float) {
        double w = Double.parseDouble(want);
        if (Double.isNaN(w)) {
          soft.assertThat(value.doubleValue()).as(label).isNaN();
        } else {
          soft.assertThat(value.doubleValue()).as(label).isCloseTo(w, within(TOLERANCE));
        }
      } else {
        soft.assertThat(value.longValue()).as(label).isEqualTo(Long.parseLong(want));
      }
    });
    soft.assertAll();
  }

  /** Each point of the (downsampled) curve is sklearn's point at the same threshold. */
  public static void assertOnCurve(List<CurvePoint> points, String caseName) {
    Map<Float, Map<String, String>> byThreshold = new LinkedHashMap<>();
    curve(caseName).forEach(row -> byThreshold.put(Float.parseFloat(row.get("threshold")) + 0.0f, row));
    SoftAssertions soft = new SoftAssertions();
    for (CurvePoint p : points) {
      Map<String, String> row = byThreshold.get(p.threshold());
      soft.assertThat(row).as("sklearn point at threshold " + p.threshold()).isNotNull();
      if (row != null) {
        agree(soft, p.fpr(), row.get("fpr"), "fpr at " + p.threshold());
        agree(soft, p.tpr(), row.get("tpr"), "tpr at " + p.threshold());
        agree(soft, p.precision(), row.get("precision"), "precision at " + p.threshold());
      }
    }
    soft.assertAll();
  }

  private static void agree(SoftAssertions soft, double actual, String expected, String what) {
    double w = Double.parseDouble(expected);
    if (Double.isNaN(w)) {
      soft.assertThat(actual).as(what).isNaN();
    } else {
      soft.assertThat(actual).as(what).isCloseTo(w, within(TOLERANCE));
    }
  }

  private static void ratio(Map<String, Number> c, String name, Ratio r) {
    c.put(name, r.value());
    c.put(name + "_zd", r.zeroDivision() ? 1 : 0);
  }

  private interface Drawn {
    Sample make(long index, long u, boolean label, SplitMix64 rng);
  }

  /** gen_oracle.py's draw(): u = 24 random bits, then a label positive with probability 0.2 + 0.6 u / 2^24. */
  private static List<Sample> draw(long seed, int count, Drawn drawn) {
    SplitMix64 rng = new SplitMix64(seed);
    List<Sample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long u = rng.next() >>> 40;
      boolean label = (rng.next() >>> 40) * 10 < 2 * (1L << 24) + 6 * u;
      samples.add(drawn.make(i, u, label, rng));
    }
    return samples;
  }

  private static final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
      state = seed;
    }

    long next() {
      state += 0x9E3779B97F4A7C15L;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  private static List<Map<String, String>> read(String file) {
    return OracleCsv.read("/metrics-oracle/" + file);
  }
}
