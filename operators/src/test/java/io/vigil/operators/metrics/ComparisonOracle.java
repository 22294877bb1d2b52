package io.vigil.operators.metrics;

import java.util.List;
import java.util.Map;

/** The paired rows and scikit-learn's values of comparison-oracle/gen_comparison.py. */
public final class ComparisonOracle {

  /** One case's rows and expected.csv's row (column name to text). */
  public record Case(String name, float[] champion, float[] challenger, boolean[] labels, Map<String, String> expected) {

    public double value(String column) {
      return Double.parseDouble(expected.get(column));
    }

    public float championThreshold() {
      return Float.parseFloat(expected.get("champion_threshold"));
    }

    public float challengerThreshold() {
      return Float.parseFloat(expected.get("challenger_threshold"));
    }

    public PairedScores paired() {
      return PairedScores.atThresholds(champion, challenger, labels, championThreshold(), challengerThreshold());
    }
  }

  public static final List<String> CASES = List.of("better", "ties", "independent");

  private ComparisonOracle() {}

  public static Case load(String name) {
    List<Map<String, String>> rows = read("rows.csv").stream().filter(r -> r.get("case").equals(name)).toList();
    float[] a = new float[rows.size()];
    float[] b = new float[rows.size()];
    boolean[] y = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      a[i] = Float.parseFloat(rows.get(i).get("champion"));
      b[i] = Float.parseFloat(rows.get(i).get("challenger"));
      y[i] = rows.get(i).get("label").equals("1");
    }
    Map<String, String> expected = read("expected.csv").stream().filter(r -> r.get("case").equals(name)).findFirst()
        .orElseThrow();
    return new Case(name, a, b, y, expected);
  }

  private static List<Map<String, String>> read(String file) {
    return OracleCsv.read("/comparison-oracle/" + file);
  }

}
