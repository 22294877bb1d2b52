package io.vigil.operators.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads every configured model once on the client, before the job is submitted, so a bad model
 * stops the job at start with a message naming the file, not in a task after deployment.
 */
public final class ModelCatalog {

  private ModelCatalog() {}

  /** The specs of all models, in order; they must agree on the feature count and have distinct names. */
  public static List<ModelSpec> check(List<ModelRef> refs, ExecutionOptions options) {
    return check(refs, options, Set.of());
  }

  /**
   * As {@link #check(List, ExecutionOptions)}, and no model may be named like one of {@code reserved}
   * (the pseudo-models the job adds itself, whose scores and metrics would mix with the model's).
   */
  public static List<ModelSpec> check(List<ModelRef> refs, ExecutionOptions options, Set<String> reserved) {
    if (refs.isEmpty()) {
      throw new ModelContractException("no models configured. Fix: pass at least one --model FILE.");
    }
    List<ModelSpec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ModelRef ref : refs) {
      try (LoadedModel model = LoadedModel.load(ref, options)) {
        ModelSpec spec = model.spec();
        if (!specs.isEmpty() && spec.features() != specs.get(0).features()) {
          throw new ModelContractException("model " + ref + " (" + spec.name() + ") expects " + spec.features()
              + " features but " + refs.get(0) + " (" + specs.get(0).name() + ") expects " + specs.get(0).features()
              + ". Fix: all models of one job must be trained on the same features.");
        }
        if (reserved.contains(spec.name())) {
          throw new ModelContractException("model " + ref + " is named '" + spec.name() + "', the name of a pseudo-model "
              + "the job adds itself (reserved: " + new TreeSet<>(reserved) + "). Fix: export it under another name "
              + "(metadata vigil.name).");
        }
        if (!names.add(spec.name())) {
          throw new ModelContractException("model " + ref + ": another model is also named '" + spec.name()
              + "'. Fix: model names (metadata vigil.name) must be unique within a job.");
        }
        specs.add(spec);
      }
    }
    return specs;
  }
}
