package io.vigil.operators.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a loaded model against the Vigil model contract (shared/DESIGN.md): inputs, outputs,
 * state pairs and metadata. Every problem is collected, so one start-up error names them all.
 */
public final class ModelContract {

  public static final String SCORE = "score";
  public static final String X = "x";
  public static final String WINDOW = "window";
  public static final String STATE_IN = "state_in_";
  public static final String STATE_OUT = "state_out_";

  private static final String FIX =
      "Fix: export the model with models/train.py (or follow the model contract in README.md), "
          + "or point the job at another model file.";

  private ModelContract() {}

  public static ModelSpec check(OrtSession session, String source) {
    Map<String, String> meta;
    Map<String, NodeInfo> inputs;
    Map<String, NodeInfo> outputs;
    try {
      meta = new TreeMap<>(session.getMetadata().getCustomMetadata());
      inputs = session.getInputInfo();
      outputs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new ModelContractException("model " + source + ": cannot read its inputs, outputs or metadata: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    String name = meta.getOrDefault("vigil.name", "");
    if (name.isBlank()) {
      problems.add("metadata vigil.name is missing");
    }
    ModelKind kind = parseKind(meta.get("vigil.kind"), problems);
    int features = positiveInt(meta, "vigil.features", problems);
    int window = kind == ModelKind.WINDOW ? positiveInt(meta, "vigil.window", problems) : 0;
    float threshold = parseThreshold(meta.get("vigil.threshold"), problems);

    checkTensor(outputs, SCORE, "output", 1, problems);
    List<long[]> states = new ArrayList<>();
    if (kind == ModelKind.STEP) {
      long[] x = checkTensor(inputs, X, "input", 2, problems);
      expectDim(x, 1, features, "input x feature axis", problems);
      states = checkStatePairs(inputs, outputs, problems);
      rejectOthers(inputs.keySet(), problems, "input", X);
    } else if (kind == ModelKind.WINDOW) {
      long[] w = checkTensor(inputs, WINDOW, "input", 3, problems);
      expectDim(w, 1, window, "input window time axis (vigil.window)", problems);
      expectDim(w, 2, features, "input window feature axis", problems);
      rejectOthers(inputs.keySet(), problems, "input", WINDOW);
    }
    if (!problems.isEmpty()) {
      throw new ModelContractException("model " + source + (name.isBlank() ? "" : " (" + name + ")")
          + " breaks the model contract: " + String.join("; ", problems)
          + ". It has inputs " + describe(inputs) + ", outputs " + describe(outputs) + ". " + FIX);
    }
    return new ModelSpec(name, meta.getOrDefault("vigil.version", "unversioned"), kind, features, window,
        threshold, List.copyOf(states), Map.copyOf(meta));
  }

  private static List<long[]> checkStatePairs(
      Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, List<String> problems) {
    List<long[]> shapes = new ArrayList<>();
    for (int i = 0; inputs.containsKey(STATE_IN + i) || outputs.containsKey(STATE_OUT + i); i++) {
      if (!inputs.containsKey(STATE_IN + i)) {
        problems.add("output " + STATE_OUT + i + " has no matching input " + STATE_IN + i);
        continue;
      }
      if (!outputs.containsKey(STATE_OUT + i)) {
        problems.add("input " + STATE_IN + i + " has no matching output " + STATE_OUT + i);
        continue;
      }
      long[] in = checkTensor(inputs, STATE_IN + i, "input", -1, problems);
      long[] out = checkTensor(outputs, STATE_OUT + i, "output", -1, problems);
      if (in == null || out == null) {
        continue;
      }
      long[] row = Arrays.copyOfRange(in, 1, in.length);
      if (in.length < 2 || Arrays.stream(row).anyMatch(d -> d <= 0)) {
        problems.add("state pair " + i + " must be [batch, fixed dims...], is " + Arrays.toString(in));
      } else if (!Arrays.equals(row, Arrays.copyOfRange(out, 1, out.length))) {
        problems.add("state pair " + i + " shapes differ: " + STATE_IN + i + " " + Arrays.toString(in)
            + " vs " + STATE_OUT + i + " " + Arrays.toString(out));
      } else {
        shapes.add(row);
      }
    }
    for (String in : inputs.keySet()) {
      if (in.startsWith(STATE_IN) && !isPairIndex(in.substring(STATE_IN.length()), inputs, outputs)) {
        problems.add("input " + in + " is not part of a contiguous state pair numbering from 0");
      }
    }
    return shapes;
  }

  private static boolean isPairIndex(String suffix, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
    try {
      int n = Integer.parseInt(suffix);
      for (int i = 0; i <= n; i++) {
        if (!inputs.containsKey(STATE_IN + i) && !outputs.containsKey(STATE_OUT + i)) {
          return false;
        }
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The tensor's shape, or null (with a problem recorded) when it is absent or not float. */
  private static long[] checkTensor(Map<String, NodeInfo> nodes, String name, String what, int rank, List<String> problems) {
    NodeInfo node = nodes.get(name);
    if (node == null) {
      problems.add("missing " + what + " '" + name + "'");
      return null;
    }
    if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
      problems.add(what + " '" + name + "' must be a float32 tensor, is " + node.getInfo());
      return null;
    }
    long[] shape = info.getShape();
    if (rank > 0 && shape.length != rank) {
      problems.add(what + " '" + name + "' must have rank " + rank + " (batch first), has shape " + Arrays.toString(shape));
      return null;
    }
    return shape;
  }

  private static void expectDim(long[] shape, int axis, int expected, String what, List<String> problems) {
    if (shape != null && expected > 0 && shape[axis] > 0 && shape[axis] != expected) {
      problems.add(what + " is " + shape[axis] + " but metadata says " + expected);
    }
  }

  private static void rejectOthers(Iterable<String> inputs, List<String> problems, String what, String allowed) {
    for (String in : inputs) {
      if (!in.equals(allowed) && !in.startsWith(STATE_IN)) {
        problems.add("unexpected " + what + " '" + in + "'");
      }
    }
  }

  private static ModelKind parseKind(String value, List<String> problems) {
    if ("step".equals(value)) {
      return ModelKind.STEP;
    }
    if ("window".equals(value)) {
      return ModelKind.WINDOW;
    }
    problems.add("metadata vigil.kind must be 'step' or 'window', is " + (value == null ? "missing" : "'" + value + "'"));
    return null;
  }

  private static int positiveInt(Map<String, String> meta, String key, List<String> problems) {
    try {
      int v = Integer.parseInt(meta.getOrDefault(key, "").trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add("metadata " + key + " must be a positive integer, is " + (meta.containsKey(key) ? "'" + meta.get(key) + "'" : "missing"));
    return 0;
  }

  private static float parseThreshold(String value, List<String> problems) {
    try {
      float t = Float.parseFloat(value == null ? "" : value.trim());
      if (Float.isFinite(t)) {
        return t;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add("metadata vigil.threshold must be a finite number, is " + (value == null ? "missing" : "'" + value + "'"));
    return Float.NaN;
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    StringBuilder sb = new StringBuilder("[");
    for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(e.getKey());
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        sb.append(Arrays.toString(t.getShape()));
      }
    }
    return sb.append(']').toString();
  }
}
