package io.vigil.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelCatalog;
import io.vigil.operators.onnx.ModelContractException;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.ModelRole;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Roles are checked at start against the loaded models, with one message naming the fix. */
class ModelRolesTest {

  private static final String STEP = "src/test/resources/contract/good-step.onnx"; // named rnn
  private static final String WINDOW = "src/test/resources/contract/good-window.onnx"; // named energy

  private static final List<ModelRef> REFS = List.of(ModelRef.of(STEP), ModelRef.of(WINDOW));

  private static List<ModelSpec> specs() {
    return ModelCatalog.check(REFS, ExecutionOptions.cpu());
  }

  @Test
  void aChallengerIsMarkedWithItsChampion() {
    ModelRoles roles = ModelRoles.assign(REFS, specs(), Map.of(WINDOW, "rnn"));

    assertThat(roles.role("energy")).isEqualTo(ModelRole.CHALLENGER);
    assertThat(roles.challenges("energy")).isEqualTo("rnn");
    assertThat(roles.role("rnn")).isEqualTo(ModelRole.CHAMPION);
    assertThat(roles.challenges("rnn")).isNull();
  }

  @Test
  void theChampionMustBeAChampionOfTheJob() {
    List<ModelSpec> specs = specs();
    assertThatThrownBy(() -> ModelRoles.assign(REFS, specs, Map.of(WINDOW, "lstm")))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("champions are [rnn]")
        .hasMessageContaining("Fix: --challenger FILE=CHAMPION");
    assertThatThrownBy(() -> ModelRoles.assign(REFS, specs, Map.of(WINDOW, "energy")))
        .hasMessageContaining("against champion 'energy'");
  }

  @Test
  void aModelNamedLikeAPseudoModelIsRejectedAtStart() {
    assertThatThrownBy(() -> ModelCatalog.check(REFS, ExecutionOptions.cpu(), Set.of("energy")))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("is named 'energy', the name of a pseudo-model")
        .hasMessageContaining("Fix: export it under another name");
  }
}
