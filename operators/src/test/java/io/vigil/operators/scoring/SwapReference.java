package io.vigil.operators.scoring;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.StateMigration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The test oracle for a swap of one step model: each key's events fed alone, in order, one ONNX
 * call per event; at the key's first event scored by the new version its state migrates as asked
 * (WARM: the new model from zero state over the key's last {@code warmUp} events before it; RESET:
 * zero; KEEP: the old state), as the update to that version asked ({@code migrationTo}, WARM where
 * not named). Shares nothing with the operator but the runners.
 */
public final class SwapReference {

  private SwapReference() {}

  /**
   * Per eventId, the expected score. {@code versionOf} says which version scored each event (the
   * operator decides where the swap falls for each key; this checks what each side must be).
   */
  public static Map<String, Float> scores(Map<String, ModelRef> versions, List<SequenceEvent> events,
      Function<SequenceEvent, String> versionOf, Map<String, StateMigration> migrationTo, int warmUp) throws Exception {
    Map<String, StepModelRunner> runners = new HashMap<>();
    List<LoadedModel> loaded = new ArrayList<>();
    try {
      for (Map.Entry<String, ModelRef> v : versions.entrySet()) {
        LoadedModel model = LoadedModel.load(v.getValue(), ExecutionOptions.cpu());
        loaded.add(model);
        runners.put(v.getKey(), new StepModelRunner(model));
      }
      Map<String, String> current = new HashMap<>();
      Map<String, float[][]> states = new HashMap<>();
      Map<String, List<float[]>> history = new HashMap<>();
      Map<String, Float> expected = new HashMap<>();
      for (SequenceEvent e : events) {
        String key = e.getEntityId();
        String version = versionOf.apply(e);
        StepModelRunner runner = runners.get(version);
        List<float[]> h = history.computeIfAbsent(key, k -> new ArrayList<>());
        if (!version.equals(current.get(key))) {
          float[][] old = states.get(key);
          float[][] start = runner.spec().zeroStates(1);
          StateMigration migration = migrationTo.getOrDefault(version, StateMigration.WARM);
          if (old != null && migration == StateMigration.KEEP) {
            start = old;
          } else if (migration == StateMigration.WARM) {
            for (float[] x : h.subList(Math.max(0, h.size() - warmUp), h.size())) {
              runner.run(x, start, 1);
            }
          }
          states.put(key, start);
          current.put(key, version);
        }
        float[] x = features(e);
        expected.put(e.getEventId(), runner.run(x, states.get(key), 1)[0]);
        h.add(x);
      }
      return expected;
    } finally {
      loaded.forEach(LoadedModel::close);
    }
  }

  private static float[] features(SequenceEvent e) {
    float[] x = new float[e.getFeatures().size()];
    for (int f = 0; f < x.length; f++) {
      x[f] = e.getFeatures().get(f);
    }
    return x;
  }
}
