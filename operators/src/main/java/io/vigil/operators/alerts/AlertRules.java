package io.vigil.operators.alerts;

import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When {@link AlertDetector} opens and closes an alert. Only the <em>considered</em> models count:
 * those in {@code models} (every model in the Score when empty) that have a score for the event;
 * a null score is ignored, never taken as low. A CHALLENGER's score is never considered: a
 * challenger is judged, not trusted — it cannot open, extend or peak an alert.
 *
 * <ul>
 *   <li>A model <em>fires</em> when its score is {@code >=} its threshold: the override in
 *       {@code thresholds}, else the {@link ModelScore#getThreshold() threshold} the Score carries
 *       (the one in the model's metadata).
 *   <li>An alert <em>opens</em> when the firing models satisfy {@code combination}.
 *   <li>It <em>closes</em> on the first event where every model that fired during the alert, and
 *       scored this event, is strictly below {@code hysteresis} × its threshold (at least one of them
 *       must have scored). Between the two thresholds the alert stays as it is. The ratio assumes
 *       positive thresholds, as the model contract's scores are.
 *   <li>After a close at event time {@code closedAt}, no alert opens for that entity until an
 *       event with event time {@code >= closedAt + cooldown}.
 *   <li>An open alert whose entity sends no score for {@code inactiveAfter} of event time closes
 *       with reason INACTIVE: a silent entity must not hold an alert (and its state) forever.
 * </ul>
 *
 * @param maxEventIds how many eventIds an alert keeps (the count goes on)
 */
public record AlertRules(
    Combination combination,
    Set<String> models,
    Map<String, Float> thresholds,
    double hysteresis,
    Duration cooldown,
    int maxEventIds,
    Duration inactiveAfter) implements Serializable {

  public AlertRules {
    if (!(hysteresis > 0 && hysteresis <= 1)) {
      throw new IllegalArgumentException("hysteresis must be in (0, 1], is " + hysteresis);
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative, is " + cooldown);
    }
    if (inactiveAfter.isNegative() || inactiveAfter.isZero()) {
      throw new IllegalArgumentException("inactiveAfter must be positive, is " + inactiveAfter);
    }
    if (maxEventIds < 1) {
      throw new IllegalArgumentException("maxEventIds must be >= 1, is " + maxEventIds);
    }
    models = Set.copyOf(models);
    thresholds = Map.copyOf(thresholds);
  }

  /**
   * ANY model, every model in the Score, the models' own thresholds, hysteresis 0.8, cooldown 30 s,
   * 100 eventIds, inactive after 10 minutes of silence.
   */
  public static AlertRules defaults() {
    return new AlertRules(Combination.ANY, Set.of(), Map.of(), 0.8, Duration.ofSeconds(30), 100, Duration.ofMinutes(10));
  }

  public AlertRules withCombination(Combination combination) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  /** Consider only these models (empty: all). */
  public AlertRules withModels(Set<String> models) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  /** Use {@code threshold} for {@code model} instead of the one its Scores carry. */
  public AlertRules withThreshold(String model, float threshold) {
    Map<String, Float> merged = new HashMap<>(thresholds);
    merged.put(model, threshold);
    return new AlertRules(combination, models, merged, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  public AlertRules withHysteresis(double hysteresis) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  public AlertRules withCooldown(Duration cooldown) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  public AlertRules withMaxEventIds(int maxEventIds) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  public AlertRules withInactiveAfter(Duration inactiveAfter) {
    return new AlertRules(combination, models, thresholds, hysteresis, cooldown, maxEventIds, inactiveAfter);
  }

  boolean considers(ModelScore score) {
    return score.getRole() != ModelRole.CHALLENGER && score.getScore() != null
        && (models.isEmpty() || models.contains(score.getModel()));
  }

  float threshold(ModelScore score) {
    return thresholds.getOrDefault(score.getModel(), score.getThreshold());
  }

  boolean fires(ModelScore score) {
    return score.getScore() >= threshold(score);
  }

  boolean belowClose(ModelScore score) {
    return score.getScore() < hysteresis * threshold(score);
  }

  /** How many of the considered models must fire: {@link #ANY}, {@link #ALL} or {@link #atLeast(int)}. */
  public record Combination(Kind kind, int k) implements Serializable {

    public enum Kind { ANY, ALL, AT_LEAST }

    public static final Combination ANY = new Combination(Kind.ANY, 1);
    /** Every considered model that scored the event (null scores are ignored here too). */
    public static final Combination ALL = new Combination(Kind.ALL, 0);

    public Combination {
      if (kind == Kind.AT_LEAST && k < 1) {
        throw new IllegalArgumentException("AT_LEAST needs k >= 1, is " + k);
      }
    }

    /** Parses {@code any}, {@code all} or {@code at_least:K} (case-insensitive). */
    public static Combination parse(String text) {
      String t = text.trim().toLowerCase(java.util.Locale.ROOT);
      if (t.equals("any")) {
        return ANY;
      }
      if (t.equals("all")) {
        return ALL;
      }
      if (t.startsWith("at_least:")) {
        try {
          return atLeast(Integer.parseInt(t.substring("at_least:".length())));
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      throw new IllegalArgumentException("alert combination must be any, all or at_least:K, is '" + text + "'");
    }

    public static Combination atLeast(int k) {
      return new Combination(Kind.AT_LEAST, k);
    }

    boolean holds(int firing, int scored) {
      return switch (kind) {
        case ANY -> firing >= 1;
        case ALL -> scored >= 1 && firing == scored;
        case AT_LEAST -> firing >= k;
      };
    }

    @Override
    public String toString() {
      return kind == Kind.AT_LEAST ? "AT_LEAST(" + k + ")" : kind.name();
    }
  }
}
