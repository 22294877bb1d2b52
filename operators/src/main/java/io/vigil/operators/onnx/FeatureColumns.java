package io.vigil.operators.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches an input's feature columns (a CSV's header) to the models' {@code vigil.feature_names}
 * (written by models/train.py): which columns to send, in the models' order, or one error naming
 * every model that does not match and what is missing.
 */
public final class FeatureColumns {

  public static final String FEATURE_NAMES = "vigil.feature_names";

  private FeatureColumns() {}

  /**
   * @param available the input's feature columns, in file order
   * @param requested the columns the user named, or null to follow the models
   * @return the columns to send: {@code requested}, else the models' feature names, else every available column
   */
  public static List<String> select(List<ModelSpec> specs, List<String> available, List<String> requested, String source) {
    List<String> chosen = requested != null ? requested : specs.stream().map(FeatureColumns::names)
        .filter(n -> n != null).findFirst().orElse(available);
    // Models that expect the same names are reported together: "models a, b expect [...]".
    Map<List<String>, List<String>> mismatched = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (ModelSpec spec : specs) {
      List<String> names = names(spec);
      if (names != null && (!names.equals(chosen) || !available.containsAll(names))) {
        mismatched.computeIfAbsent(names, n -> new ArrayList<>()).add(spec.name());
      } else if (names == null && spec.features() != chosen.size()) {
        problems.add("model " + spec.name() + " expects " + spec.features() + " features, " + chosen.size() + " are selected");
      }
    }
    mismatched.forEach((names, models) -> {
      List<String> missing = names.stream().filter(n -> !available.contains(n)).toList();
      problems.add((models.size() == 1 ? "model " : "models ") + String.join(", ", models) + " expect" + (models.size() == 1 ? "s " : " ")
          + FEATURE_NAMES + " " + names + (missing.isEmpty() ? "" : ", the input lacks " + missing));
    });
    List<String> absent = chosen.stream().filter(c -> !available.contains(c)).toList();
    if (!absent.isEmpty() && problems.isEmpty()) {
      problems.add("columns " + absent + " are not in the input");
    }
    if (!problems.isEmpty()) {
      throw new ModelContractException(source + " does not match the models: it has feature columns " + available
          + (requested != null ? ", selected " + requested : "") + "; " + String.join("; ", problems)
          + ". Fix: train the models on this data (models/train.py --data " + source + "), or rename its columns"
          + " or pick them with --features to match the models' " + FEATURE_NAMES + ".");
    }
    return List.copyOf(chosen);
  }

  private static List<String> names(ModelSpec spec) {
    String names = spec.metadata().get(FEATURE_NAMES);
    return names == null || names.isBlank() ? null : List.of(names.split(","));
  }
}
