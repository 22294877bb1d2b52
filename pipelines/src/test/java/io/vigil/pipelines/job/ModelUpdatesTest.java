package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.operators.onnx.ModelDigest;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.StateMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vigil model-update} publishes: described from the file itself, and refused when the job would reject it. */
class ModelUpdatesTest {

  static final String V2 = "../operators/src/test/resources/contract/rnn-v2-f8.onnx";

  @TempDir
  Path work;

  @Test
  void describesTheFileByItsOwnMetadataAndChecksum() throws Exception {
    ModelUpdate u = ModelUpdates.describe(V2, ModelRole.CHAMPION, null, StateMigration.KEEP);
    assertThat(u.getModel()).isEqualTo("rnn");
    assertThat(u.getVersion()).isEqualTo("v2");
    assertThat(u.getSha256()).isEqualTo(ModelDigest.sha256(Files.readAllBytes(Path.of(V2))));
    assertThat(u.getMigration()).isEqualTo(StateMigration.KEEP);
    assertThat(u.getUri()).isEqualTo(V2);
  }

  @Test
  void refusesAFileTheJobWouldReject() throws Exception {
    Path corrupt = work.resolve("half.onnx");
    byte[] bytes = Files.readAllBytes(Path.of(V2));
    Files.write(corrupt, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelUpdates.describe(corrupt.toString(), ModelRole.CHAMPION, null, StateMigration.WARM))
        .hasMessageContaining("ONNX Runtime cannot load it");
  }
}
