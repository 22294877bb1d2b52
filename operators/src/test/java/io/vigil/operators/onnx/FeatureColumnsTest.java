package io.vigil.operators.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureColumnsTest {

  private static ModelSpec model(String name, String featureNames, int features) {
    Map<String, String> meta = featureNames == null ? Map.of() : Map.of(FeatureColumns.FEATURE_NAMES, featureNames);
    return new ModelSpec(name, "1", ModelKind.WINDOW, features, 16, 0.5f, List.of(), meta);
  }

  @Test
  void followsTheModelsNamesAndIgnoresOtherColumns() {
    List<ModelSpec> specs = List.of(model("cnn", "mem,cpu", 2), model("ae", "mem,cpu", 2));
    assertThat(FeatureColumns.select(specs, List.of("cpu", "disk", "mem"), null, "data.csv")).containsExactly("mem", "cpu");
  }

  @Test
  void withoutNamesEveryColumnIfTheCountFits() {
    assertThat(FeatureColumns.select(List.of(model("old", null, 2)), List.of("a", "b"), null, "d.csv")).containsExactly("a", "b");
    assertThatThrownBy(() -> FeatureColumns.select(List.of(model("old", null, 3)), List.of("a", "b"), null, "d.csv"))
        .hasMessageContaining("model old expects 3 features, 2 are selected");
  }

  @Test
  void oneMessageNamesEveryMismatchingModelAndWhatTheInputLacks() {
    List<ModelSpec> specs = List.of(model("rnn", "cpu,mem", 2), model("cnn", "cpu,mem", 2), model("ae", "cpu,net", 2));
    assertThatThrownBy(() -> FeatureColumns.select(specs, List.of("cpu", "mem"), null, "d.csv"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("d.csv does not match the models: it has feature columns [cpu, mem]")
        .hasMessageContaining("model ae expects vigil.feature_names [cpu, net], the input lacks [net]")
        .hasMessageNotContaining("models rnn");
    assertThatThrownBy(() -> FeatureColumns.select(specs.subList(0, 2), List.of("cpu", "mem"), List.of("mem", "cpu"), "d.csv"))
        .hasMessageContaining("selected [mem, cpu]; models rnn, cnn expect vigil.feature_names [cpu, mem]");
  }
}
