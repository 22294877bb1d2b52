package io.vigil.operators.lifecycle;

import io.vigil.operators.alerts.AlertDetector;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelContractException;
import io.vigil.operators.onnx.ModelDigest;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.ModelUpdate;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one place (parallelism 1) that reads a model update's file and judges it on its own: the
 * file can be read, its bytes have the update's sha256, ONNX Runtime loads it, it keeps the model
 * contract, its metadata name and version are the update's, and the name is not a pseudo-model's.
 * A passing update goes on to be broadcast to every scorer; a failing one becomes a REJECTED
 * {@link ModelEvents model event} with the reason. Deciding once here is what makes every scorer
 * subtask see the same updates: a scorer that later cannot load a file this operator could fails
 * its task (and the restart re-reads the update), instead of silently scoring with another version.
 */
public class ValidateModelUpdates extends ProcessFunction<ModelUpdate, ModelUpdate> {

  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(ModelUpdate update, Context ctx, Collector<ModelUpdate> out) {
    String problem = problem(update);
    if (problem == null) {
      out.collect(update);
    } else {
      ctx.output(ModelEvents.TAG, ModelEvents.rejected(update, problem, null, ctx.timerService().currentProcessingTime()));
    }
  }

  /** Why the update cannot be used, or null. Checked on CPU: only the file's contract matters here. */
  public static String problem(ModelUpdate update) {
    if (update.getModel().isBlank() || update.getVersion().isBlank()) {
      return "model name and version must not be blank";
    }
    if (update.getModel().equals(AlertDetector.DECISION_MODEL)) {
      return "'" + AlertDetector.DECISION_MODEL + "' is the alert decision's pseudo-model name; a model may not use it";
    }
    ModelRef ref = ModelRef.of(update.getUri());
    byte[] bytes;
    try {
      bytes = LoadedModel.read(ref);
    } catch (ModelContractException e) {
      return e.getMessage();
    }
    String actual = ModelDigest.sha256(bytes);
    if (!actual.equalsIgnoreCase(update.getSha256())) {
      return "sha256 mismatch: the file " + update.getUri() + " has " + actual + ", the update says " + update.getSha256();
    }
    ModelSpec spec;
    try (LoadedModel model = LoadedModel.fromBytes(ref, bytes, ExecutionOptions.cpu())) {
      spec = model.spec();
    } catch (ModelContractException e) {
      return e.getMessage();
    }
    if (!spec.name().equals(update.getModel()) || !spec.version().equals(update.getVersion())) {
      return "the file's metadata says model " + spec.name() + " version " + spec.version() + ", the update says "
          + update.getModel() + " version " + update.getVersion();
    }
    return null;
  }
}
