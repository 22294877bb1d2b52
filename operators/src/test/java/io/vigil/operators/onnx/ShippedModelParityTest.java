package io.vigil.operators.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped models in {@code models/} give, through ONNX Runtime, the outputs PyTorch gave
 * for the same inputs when they were exported ({@code models/fixtures/<name>-parity.json},
 * written by {@code models/train.py}): score and every state output, batch 1 and batch 32.
 * A mismatch means the export (or the runtime) changed what the model computes.
 */
class ShippedModelParityTest {

  /** Surefire runs in the operators module folder; the models live beside it. */
  private static final Path MODELS = Path.of("..", "models");

  @ParameterizedTest
  @ValueSource(strings = {"recurrent", "cnn", "autoencoder"})
  void onnxRuntimeMatchesPyTorch(String name) throws Exception {
    Path model = MODELS.resolve(name + ".onnx");
    JsonNode fixture = new ObjectMapper().readTree(MODELS.resolve("fixtures").resolve(name + "-parity.json").toFile());
    double tolerance = fixture.get("tolerance").asDouble();
    assertThat(tolerance).isLessThanOrEqualTo(1e-5);
    List<Integer> batches = new ArrayList<>();

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model.toString(), options)) {
      for (JsonNode testCase : fixture.get("cases")) {
        batches.add(testCase.get("batch").asInt());
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
          for (Iterator<Map.Entry<String, JsonNode>> it = testCase.get("inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            inputs.put(input.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(floats(input.getValue())), shape(input.getValue())));
          }
          assertThat(inputs.keySet()).containsExactlyInAnyOrderElementsOf(session.getInputNames());
          try (OrtSession.Result result = session.run(inputs)) {
            JsonNode expectedOutputs = testCase.get("outputs");
            assertThat(session.getOutputNames()).hasSize(expectedOutputs.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = expectedOutputs.fields(); it.hasNext(); ) {
              Map.Entry<String, JsonNode> expected = it.next();
              String where = name + " batch " + testCase.get("batch").asInt() + " output " + expected.getKey();
              OnnxTensor actual = (OnnxTensor) result.get(expected.getKey()).orElseThrow(() -> new AssertionError(where + " missing"));
              assertThat(actual.getInfo().getShape()).as(where + " shape").containsExactly(shape(expected.getValue()));
              float[] want = floats(expected.getValue());
              FloatBuffer got = actual.getFloatBuffer();
              assertThat(got.remaining()).as(where + " size").isEqualTo(want.length);
              for (int i = 0; i < want.length; i++) {
                assertThat((double) got.get(i)).as(where + " [" + i + "]").isCloseTo(want[i], org.assertj.core.data.Offset.offset(tolerance));
              }
            }
          }
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    }
    assertThat(batches).as("parity cases for " + name).contains(1, 32);
  }

  /**
   * The step model on a stream: one key's first events from zero states, every state output fed
   * back as the next input (as the scorer does per key), against PyTorch's scores for the same
   * events. Covers the per-key normaliser's warm-up and running statistics, the forecast and the
   * running error scale carried in state, not only single steps from given states.
   */
  @Test
  void recurrentStreamWithStateFedBackMatchesPyTorch() throws Exception {
    JsonNode fixture = new ObjectMapper().readTree(MODELS.resolve("fixtures").resolve("recurrent-parity.json").toFile());
    JsonNode stream = fixture.get("stream");
    assertThat(stream).as("recurrent-parity.json has a stream case").isNotNull();
    float[] x = floats(stream.get("x"));
    int features = (int) shape(stream.get("x"))[1];
    double tolerance = fixture.get("tolerance").asDouble();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(MODELS.resolve("recurrent.onnx").toString(), options)) {
      String[] stateNames = session.getMetadata().getCustomMetadata().get("vigil.states").split(",");
      assertThat(stateNames).as("per-key normalisation and change scales travel in state")
          .contains("scale_n", "scale_mean", "scale_var", "error_scale", "last_x", "change_scale", "change_recent");
      assertThat(session.getInputNames()).hasSize(1 + stateNames.length);
      Map<String, float[]> states = new LinkedHashMap<>();
      for (int i = 0; i < stateNames.length; i++) {
        long[] dims = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("state_in_" + i).getInfo()).getShape();
        states.put("state_in_" + i, new float[(int) dims[1]]);
      }
      JsonNode want = stream.get("scores");
      for (int t = 0; t < want.size(); t++) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
          float[] row = java.util.Arrays.copyOfRange(x, t * features, (t + 1) * features);
          inputs.put("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(row), new long[] {1, features}));
          for (Map.Entry<String, float[]> st : states.entrySet()) {
            inputs.put(st.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(st.getValue()), new long[] {1, st.getValue().length}));
          }
          try (OrtSession.Result result = session.run(inputs)) {
            float score = ((float[]) ((OnnxTensor) result.get("score").orElseThrow()).getValue())[0];
            assertThat((double) score).as("stream step " + t).isCloseTo(want.get(t).asDouble(), org.assertj.core.data.Offset.offset(tolerance));
            for (String in : states.keySet()) {
              states.put(in, ((float[][]) ((OnnxTensor) result.get(in.replace("in", "out")).orElseThrow()).getValue())[0]);
            }
          }
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private static long[] shape(JsonNode tensor) {
    long[] shape = new long[tensor.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = tensor.get("shape").get(i).asLong();
    }
    return shape;
  }

  private static float[] floats(JsonNode tensor) {
    JsonNode data = tensor.get("data");
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).asDouble();
    }
    return values;
  }
}
