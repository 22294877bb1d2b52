package io.vigil.operators.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelContractTest {

  static final String DIR = "src/test/resources/contract/";

  private static ModelSpec load(String file) {
    try (LoadedModel model = LoadedModel.load(ModelRef.of(DIR + file), ExecutionOptions.cpu())) {
      return model.spec();
    }
  }

  @Test
  void goodStepModelYieldsItsSpec() {
    ModelSpec spec = load("good-step.onnx");
    assertThat(spec.name()).isEqualTo("rnn");
    assertThat(spec.kind()).isEqualTo(ModelKind.STEP);
    assertThat(spec.features()).isEqualTo(3);
    assertThat(spec.threshold()).isEqualTo(0.5f);
    assertThat(spec.statePairs()).isEqualTo(1);
    assertThat(spec.stateSize(0)).isEqualTo(4);
  }

  @Test
  void goodWindowModelYieldsItsWindowLength() {
    ModelSpec spec = load("good-window.onnx");
    assertThat(spec.kind()).isEqualTo(ModelKind.WINDOW);
    assertThat(spec.window()).isEqualTo(5);
  }

  @Test
  void missingScoreNamesTheModelAndTheOutput() {
    assertThatThrownBy(() -> load("missing-score.onnx"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("missing-score.onnx")
        .hasMessageContaining("(rnn)")
        .hasMessageContaining("missing output 'score'")
        .hasMessageContaining("probability")
        .hasMessageContaining("Fix:");
  }

  @Test
  void mismatchedStatePairShowsBothShapes() {
    assertThatThrownBy(() -> load("mismatched-state.onnx"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("mismatched-state.onnx")
        .hasMessageContaining("state pair 0 shapes differ: state_in_0 [-1, 4] vs state_out_0 [-1, 6]");
  }

  @Test
  void stateInputWithoutOutputIsRejected() {
    assertThatThrownBy(() -> load("unpaired-state.onnx"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("input state_in_1 has no matching output state_out_1");
  }

  @Test
  void missingKindMetadataIsRejected() {
    assertThatThrownBy(() -> load("no-kind.onnx"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("metadata vigil.kind must be 'step' or 'window', is missing");
  }

  @Test
  void missingFileNamesThePathAndTheFix() {
    assertThatThrownBy(() -> load("nope.onnx"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("nope.onnx")
        .hasMessageContaining("models/train.py");
  }

  @Test
  void notAnOnnxFileIsRejectedAtLoad() {
    assertThatThrownBy(() -> LoadedModel.load(ModelRef.of(DIR + "make_fixtures.py"), ExecutionOptions.cpu()))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("make_fixtures.py")
        .hasMessageContaining("cannot load it");
  }

  @Test
  void catalogRejectsModelsWithDifferentFeatureCountsOrDuplicateNames() {
    assertThatThrownBy(() -> ModelCatalog.check(
        List.of(ModelRef.of(DIR + "good-step.onnx"), ModelRef.of(DIR + "good-step.onnx")), ExecutionOptions.cpu()))
        .hasMessageContaining("also named 'rnn'");
  }

  @Test
  void cudaOnACpuOnlyBuildStopsWithAClearMessageUnlessFallbackIsAllowed() {
    ModelRef ref = ModelRef.of(DIR + "good-step.onnx");
    assertThatThrownBy(() -> LoadedModel.load(ref, new ExecutionOptions("cuda:0", false, 1)))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("device=cuda:0")
        .hasMessageContaining("CUDA is not usable here")
        .hasMessageContaining("--cpu-fallback");
    try (LoadedModel model = LoadedModel.load(ref, new ExecutionOptions("cuda:0", true, 1))) {
      assertThat(model.device()).isEqualTo("cpu (fallback)");
      assertThat(model.spec().name()).isEqualTo("rnn");
    }
  }
}
