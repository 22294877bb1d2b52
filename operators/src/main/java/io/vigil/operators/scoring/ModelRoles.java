package io.vigil.operators.scoring;

import io.vigil.operators.onnx.ModelContractException;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.ModelRole;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which models run as challengers, and which champion each is judged against; every other model is
 * a CHAMPION. Small and serializable: it travels with the scorer and is consulted where a score is
 * built.
 *
 * @param challenges challenger name to champion name
 */
public record ModelRoles(Map<String, String> challenges) implements Serializable {

  /** Every model a champion. */
  public static final ModelRoles NONE = new ModelRoles(Map.of());

  public ModelRoles {
    challenges = Map.copyOf(challenges);
  }

  /**
   * The roles of a job's models: {@code challengers} maps the location of each challenger among
   * {@code refs} to its champion's name; {@code specs} are the loaded models, in the order of
   * {@code refs}. Every champion named must be a model of the job that is not itself a challenger
   * (so no model challenges itself).
   */
  public static ModelRoles assign(List<ModelRef> refs, List<ModelSpec> specs, Map<String, String> challengers) {
    Map<String, String> challenges = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < refs.size(); i++) {
      names.add(specs.get(i).name());
      String champion = challengers.get(refs.get(i).location());
      if (champion != null) {
        challenges.put(specs.get(i).name(), champion);
      }
    }
    for (Map.Entry<String, String> c : challenges.entrySet()) {
      if (!names.contains(c.getValue()) || challenges.containsKey(c.getValue())) {
        throw new ModelContractException("challenger " + c.getKey() + " is to be judged against champion '" + c.getValue()
            + "', but the job's champions are " + championsOf(challenges, names)
            + ". Fix: --challenger FILE=CHAMPION must name a champion model (metadata vigil.name).");
      }
    }
    return new ModelRoles(challenges);
  }

  private static Set<String> championsOf(Map<String, String> challenges, Set<String> modelNames) {
    return new TreeSet<>(modelNames.stream().filter(m -> !challenges.containsKey(m)).toList());
  }

  public ModelRole role(String model) {
    return challenges.containsKey(model) ? ModelRole.CHALLENGER : ModelRole.CHAMPION;
  }

  /** The champion the model is judged against, or null for a champion. */
  public String challenges(String model) {
    return challenges.get(model);
  }
}
