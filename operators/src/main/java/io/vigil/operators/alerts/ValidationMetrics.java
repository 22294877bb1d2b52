package io.vigil.operators.alerts;

import io.vigil.operators.onnx.ModelSpec;
import java.io.Serializable;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's quality on its validation data at its threshold, as {@code models/train.py} writes it
 * into the ONNX metadata {@code vigil.val_metrics} (a flat JSON object of numbers).
 */
public record ValidationMetrics(double precision, double recall, double f1) implements Serializable {

  public static final String METADATA_KEY = "vigil.val_metrics";

  /** The model's validation metrics, or empty when its metadata has none (then it has no quality alarm). */
  public static Optional<ValidationMetrics> of(ModelSpec spec) {
    String json = spec.metadata().get(METADATA_KEY);
    if (json == null) {
      return Optional.empty();
    }
    Double precision = number(json, "precision");
    Double recall = number(json, "recall");
    Double f1 = number(json, "f1");
    if (precision == null || recall == null || f1 == null) {
      return Optional.empty();
    }
    return Optional.of(new ValidationMetrics(precision, recall, f1));
  }

  private static Double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)").matcher(json);
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }
}
