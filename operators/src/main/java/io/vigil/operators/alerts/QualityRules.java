package io.vigil.operators.alerts;

import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.MetricSnapshot;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When {@link QualityAlarm} raises and clears a model's QUALITY alert. For each of recall,
 * precision and F1 over the model's sliding window, with at least {@code minLabels} labels:
 * <ul>
 *   <li>it <em>opens</em> when the Wilson interval's upper bound (at {@code confidence}) is below
 *       the validation value − {@code margin}: the drop is larger than the margin, and significant;
 *   <li>it <em>clears</em> when that metric's upper bound is back at or above validation −
 *       margin / 2: the hysteresis band keeps a model near the edge from flapping.
 * </ul>
 * Nothing is judged until {@code grace} of event time after the model's first window: at a start
 * every key's recurrent state is cold (a forecaster's per-key normalisation has seen nothing), so
 * the first windows measure the warm-up, not the model.
 * F1 is not a binomial proportion; its interval treats F1 = TP / (TP + (FP + FN) / 2) as TP
 * successes of TP + (FP + FN) / 2 trials, an approximation that is exact in the counts and close
 * in spread. {@code expected} holds each judged model version's validation metrics, by
 * {@link #key}; other models and versions are not judged.
 */
public record QualityRules(Map<String, ValidationMetrics> expected, double margin, long minLabels, double confidence,
    Duration grace) implements Serializable {

  public QualityRules {
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("quality margin must be in [0, 1), is " + margin);
    }
    if (minLabels < 1) {
      throw new IllegalArgumentException("quality min labels must be positive, is " + minLabels);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), is " + confidence);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("quality grace must not be negative, is " + grace);
    }
    expected = Map.copyOf(expected);
  }

  /**
   * Judges every model whose metadata has validation metrics, in the version whose file they
   * describe: once a hot swap replaces it, the new version is not judged against the old one's
   * validation.
   */
  public static QualityRules forModels(List<ModelSpec> models, double margin, long minLabels, double confidence,
      Duration grace) {
    Map<String, ValidationMetrics> expected = new HashMap<>();
    models.forEach(m -> ValidationMetrics.of(m).ifPresent(v -> expected.put(key(m.name(), m.version()), v)));
    return new QualityRules(expected, margin, minLabels, confidence, grace);
  }

  /** The key of {@code expected}: {@code <model>@<version>}. */
  public static String key(String model, String version) {
    return model + "@" + version;
  }

  /** The validation metrics of the model version that produced {@code snapshot}, or null when it is not judged. */
  public ValidationMetrics expectedFor(MetricSnapshot snapshot) {
    return expected.get(key(snapshot.getModel(), snapshot.getVersion()));
  }

  public static final double DEFAULT_MARGIN = 0.1;
  public static final long DEFAULT_MIN_LABELS = 200;
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);
}
