package io.vigil.operators.lifecycle;

import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.StepModelRunner;
import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds keys' recurrent state for a new model version: the new model runs from zero state over
 * each key's retained recent events, oldest first, and the state it ends with is the state the
 * key's current event starts from. Exact per key (each row sees only its own events), batched
 * across the keys of a round: call t runs every key that has more than t retained events.
 */
public final class WarmUp {

  private final List<Integer> rows = new ArrayList<>();
  private final List<float[]> histories = new ArrayList<>();

  /** Row {@code row} of the round is rebuilt over {@code history} (whole events, F floats each). */
  public void add(int row, float[] history) {
    rows.add(row);
    histories.add(history);
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Keys to rebuild. */
  public int size() {
    return rows.size();
  }

  /**
   * Runs the warm-up; {@code roundStates[p]} holds the round's rows of state pair p and must be
   * zero for the added rows. Returns the number of events run.
   */
  public long run(StepModelRunner runner, float[][] roundStates) throws OrtException {
    ModelSpec spec = runner.spec();
    int f = spec.features();
    int longest = 0;
    for (float[] h : histories) {
      longest = Math.max(longest, h.length / f);
    }
    long events = 0;
    for (int t = 0; t < longest; t++) {
      List<Integer> active = new ArrayList<>();
      for (int j = 0; j < rows.size(); j++) {
        if (histories.get(j).length / f > t) {
          active.add(j);
        }
      }
      int k = active.size();
      float[] x = new float[k * f];
      float[][] states = spec.zeroStates(k);
      for (int a = 0; a < k; a++) {
        int j = active.get(a);
        System.arraycopy(histories.get(j), t * f, x, a * f, f);
        copyRow(roundStates, rows.get(j), states, a, spec);
      }
      runner.run(x, states, k);
      for (int a = 0; a < k; a++) {
        copyRow(states, a, roundStates, rows.get(active.get(a)), spec);
      }
      events += k;
    }
    return events;
  }

  private static void copyRow(float[][] from, int fromRow, float[][] to, int toRow, ModelSpec spec) {
    for (int p = 0; p < spec.statePairs(); p++) {
      int size = spec.stateSize(p);
      System.arraycopy(from[p], fromRow * size, to[p], toRow * size, size);
    }
  }
}
