package io.vigil.pipelines.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark TCN (models/vigil_models/tcn.py) through ONNX Runtime, as the scoring operator
 * runs it: the step file, fed event by event with its per-layer buffers carried per key and
 * several keys batched in each call, scores every full window as the window file of the same
 * weights does. That is what lets {@code vigil bench --large-models} use the step form (one
 * column per layer per event) in place of a window CNN. Needs Debian's python3 with torch and
 * onnx (bin/setup installs them); without them the test fails saying so, as QuickTrainingTest.
 */
class TcnStepWindowEquivalenceTest {

  static final double TOLERANCE = 1e-4;

  @TempDir
  Path out;

  @Test
  void stepFileBatchedAcrossKeysEqualsTheWindowFileOnEveryFullWindow() throws Exception {
    QuickTrainingTest.run(QuickTrainingTest.PYTHON, "../models/bench_models.py", "--out", out.toString(),
        "--channels", "16", "--hidden", "16", "--ae-hidden", "32");
    try (LoadedModel step = LoadedModel.load(ModelRef.of(out.resolve("tcn16.onnx").toString()), ExecutionOptions.cpu());
        LoadedModel window = LoadedModel.load(ModelRef.of(out.resolve("tcn16-window.onnx").toString()), ExecutionOptions.cpu())) {
      ModelSpec s = step.spec();
      ModelSpec w = window.spec();
      assertThat(s.kind()).isEqualTo(ModelKind.STEP);
      assertThat(s.metadata()).containsEntry("vigil.cell", "tcn");
      assertThat(s.statePairs()).as("one input buffer per layer: dilations 8, 4, 2, 1").isEqualTo(4);
      assertThat(w.kind()).isEqualTo(ModelKind.WINDOW);
      assertThat(w.features()).isEqualTo(s.features());

      Random random = new Random(12);
      List<float[][]> keys = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        keys.add(sequence(random, w.window() + 10 + 7 * k, s.features()));
      }
      List<float[]> stepScores = stepScores(new StepModelRunner(step), keys, random);
      WindowModelRunner windows = new WindowModelRunner(window);
      int compared = 0;
      double spread = 0;
      for (int k = 0; k < keys.size(); k++) {
        float[][] events = keys.get(k);
        float[] expected = windowScores(windows, events);
        for (int t = w.window() - 1; t < events.length; t++) {
          float want = expected[t - (w.window() - 1)];
          assertThat((double) stepScores.get(k)[t]).as("key %d, window ending at event %d", k, t)
              .isCloseTo(want, Offset.offset(TOLERANCE));
          spread = Math.max(spread, Math.abs(want - expected[0]));
          compared++;
        }
      }
      assertThat(compared).isEqualTo(keys.stream().mapToInt(e -> e.length - (w.window() - 1)).sum());
      assertThat(spread).as("scores vary, so agreeing means something").isGreaterThan(1e-3);
    }
  }

  /** Each key's events at its own level and scale, as the job's keys have. */
  private static float[][] sequence(Random random, int length, int features) {
    float level = (float) (random.nextGaussian() * 5);
    float scale = 0.5f + 3 * random.nextFloat();
    float[][] events = new float[length][features];
    for (float[] e : events) {
      for (int f = 0; f < features; f++) {
        e[f] = level + scale * (float) random.nextGaussian();
      }
    }
    return events;
  }

  /**
   * Round r scores event r of every key that has one, the keys in a new random order each round
   * (rows of one batch are independent); each key's buffers start at zero, as the operator's.
   */
  private static List<float[]> stepScores(StepModelRunner runner, List<float[][]> keys, Random random) throws Exception {
    ModelSpec spec = runner.spec();
    int f = spec.features();
    List<float[][]> states = new ArrayList<>();
    List<float[]> scores = new ArrayList<>();
    for (float[][] events : keys) {
      states.add(spec.zeroStates(1));
      scores.add(new float[events.length]);
    }
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      order.add(k);
    }
    for (int round = 0; ; round++) {
      int r = round;
      List<Integer> batch = new ArrayList<>(order.stream().filter(k -> keys.get(k).length > r).toList());
      if (batch.isEmpty()) {
        return scores;
      }
      Collections.shuffle(batch, random);
      int b = batch.size();
      float[] x = new float[b * f];
      float[][] rows = spec.zeroStates(b);
      for (int i = 0; i < b; i++) {
        int k = batch.get(i);
        System.arraycopy(keys.get(k)[r], 0, x, i * f, f);
        for (int p = 0; p < rows.length; p++) {
          System.arraycopy(states.get(k)[p], 0, rows[p], i * spec.stateSize(p), spec.stateSize(p));
        }
      }
      float[] got = runner.run(x, rows, b);
      for (int i = 0; i < b; i++) {
        int k = batch.get(i);
        scores.get(k)[r] = got[i];
        for (int p = 0; p < rows.length; p++) {
          System.arraycopy(rows[p], i * spec.stateSize(p), states.get(k)[p], 0, spec.stateSize(p));
        }
      }
    }
  }

  /** The window file on every full window of one key, in one batch; element i ends at event T − 1 + i. */
  private static float[] windowScores(WindowModelRunner runner, float[][] events) throws Exception {
    int t = runner.spec().window();
    int f = runner.spec().features();
    int n = events.length - t + 1;
    float[] rows = new float[n * t * f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < t; j++) {
        System.arraycopy(events[i + j], 0, rows, (i * t + j) * f, f);
      }
    }
    return runner.run(rows, n);
  }
}
