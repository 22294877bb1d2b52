package io.vigil.operators.scoring;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import io.vigil.schemas.SequenceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test oracle for scoring: each key's events fed alone, in order, one ONNX call per event
 * per model, with state kept in plain maps. Shares nothing with the operator but the runners.
 */
public final class PerKeyReference {

  private PerKeyReference() {}

  /** Per eventId, per model (in the given order), the expected score; NaN where none is due yet. */
  public static Map<String, float[]> scores(List<ModelRef> refs, List<SequenceEvent> events) throws Exception {
    List<LoadedModel> models = new ArrayList<>();
    try {
      for (ModelRef ref : refs) {
        models.add(LoadedModel.load(ref, ExecutionOptions.cpu()));
      }
      List<StepModelRunner> steps = new ArrayList<>();
      List<WindowModelRunner> windows = new ArrayList<>();
      for (LoadedModel model : models) {
        boolean step = model.spec().kind() == ModelKind.STEP;
        steps.add(step ? new StepModelRunner(model) : null);
        windows.add(step ? null : new WindowModelRunner(model));
      }
      Map<String, float[]> expected = new HashMap<>();
      Map<String, float[][][]> states = new HashMap<>();
      Map<String, List<float[]>> history = new HashMap<>();
      for (SequenceEvent e : events) {
        float[] x = new float[e.getFeatures().size()];
        for (int f = 0; f < x.length; f++) {
          x[f] = e.getFeatures().get(f);
        }
        List<float[]> h = history.computeIfAbsent(e.getEntityId(), k -> new ArrayList<>());
        h.add(x);
        float[][][] keyState = states.computeIfAbsent(e.getEntityId(), k -> initialStates(models));
        float[] out = new float[models.size()];
        for (int m = 0; m < models.size(); m++) {
          ModelSpec spec = models.get(m).spec();
          if (spec.kind() == ModelKind.STEP) {
            out[m] = steps.get(m).run(x, keyState[m], 1)[0];
          } else if (h.size() < spec.window()) {
            out[m] = Float.NaN;
          } else {
            float[] rows = new float[spec.window() * x.length];
            for (int t = 0; t < spec.window(); t++) {
              System.arraycopy(h.get(h.size() - spec.window() + t), 0, rows, t * x.length, x.length);
            }
            out[m] = windows.get(m).run(rows, 1)[0];
          }
        }
        expected.put(e.getEventId(), out);
      }
      return expected;
    } finally {
      models.forEach(LoadedModel::close);
    }
  }

  private static float[][][] initialStates(List<LoadedModel> models) {
    float[][][] s = new float[models.size()][][];
    for (int m = 0; m < models.size(); m++) {
      ModelSpec spec = models.get(m).spec();
      s[m] = spec.zeroStates(1);
    }
    return s;
  }
}
