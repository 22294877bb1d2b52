package io.vigil.pipelines.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelCatalog;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.pipelines.synthetic.TrainingCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training scripts end to end, in quick mode: the Java generator writes the CSVs, PyTorch
 * trains and exports the three families, and the exported files pass the same contract check
 * the job runs at start, plus the scripts' own checker.
 */
class QuickTrainingTest {

  static final String PYTHON = "/usr/bin/python3";
  static final List<String> METADATA = List.of("vigil.version", "vigil.feature_names", "vigil.hparams",
      "vigil.val_metrics", "vigil.test_metrics", "vigil.seed", "vigil.data_sha256", "vigil.opset");

  @TempDir
  Path work;

  @Test
  void quickTrainingExportsThreeContractConformingModels() throws Exception {
    Path train = work.resolve("train.csv");
    Path test = work.resolve("test.csv");
    TrainingCsv.write(new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(60).withSeed(1)), 200, train);
    TrainingCsv.write(new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(20).withSeed(2)), 200, test);
    Path out = work.resolve("models");

    run(PYTHON, "../models/train.py", "--quick", "--cells", "gru", "--data", train.toString(), "--test-data", test.toString(),
        "--out", out.toString());
    run(PYTHON, "../models/check_export.py", out.toString());

    List<ModelSpec> specs = ModelCatalog.check(List.of(
        ModelRef.of(out.resolve("recurrent.onnx").toString()),
        ModelRef.of(out.resolve("cnn.onnx").toString()),
        ModelRef.of(out.resolve("autoencoder.onnx").toString())), ExecutionOptions.cpu());
    assertThat(specs).extracting(ModelSpec::kind).containsExactly(ModelKind.STEP, ModelKind.WINDOW, ModelKind.WINDOW);
    assertThat(specs).allSatisfy(spec -> {
      assertThat(spec.features()).isEqualTo(8);
      assertThat(spec.metadata()).containsKeys(METADATA.toArray(String[]::new));
      assertThat(spec.metadata().get("vigil.test_metrics")).contains("roc_auc");
    });
    assertThat(specs.get(0).metadata()).containsKey("vigil.cell");
    assertThat(specs.get(1).window()).isPositive();
  }

  /** The training scripts' own unit tests (models/tests: the threshold guard), in the Maven build. */
  @Test
  void modelScriptUnitTestsPass() throws Exception {
    run(PYTHON, "-m", "unittest", "discover", "-s", "../models/tests", "-v");
  }

  /** Runs a model script; its failure (e.g. no torch: bin/setup installs it) fails the test with the script's output. */
  static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished in time").isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + " failed:\n" + output).isZero();
  }
}
