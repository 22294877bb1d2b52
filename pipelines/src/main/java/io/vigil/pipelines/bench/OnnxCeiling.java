package io.vigil.pipelines.bench;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.SharedModels;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * (a) The compute ceiling: every model on pre-built batches of real events, no Flink, no Kafka,
 * one thread per slot as the job would run. Events/s counts each event once (all models scored).
 */
final class OnnxCeiling {

  private OnnxCeiling() {}

  static double eventsPerSecond(List<ModelRef> refs, ExecutionOptions exec, List<float[]> events, int batch,
      int threads, double seconds) throws Exception {
    List<LoadedModel> models = new ArrayList<>();
    for (ModelRef ref : refs) {
      models.add(SharedModels.acquire(ref, exec));
    }
    try {
      AtomicLong scored = new AtomicLong();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Worker w = new Worker(models, events, batch);
        workers.add(new Thread(() -> w.loop(scored), "ceiling-" + t));
      }
      workers.forEach(Thread::start);
      Thread.sleep((long) (seconds * 300)); // warm-up: JIT and ONNX Runtime's first calls
      long before = scored.get();
      long start = System.nanoTime();
      Thread.sleep((long) (seconds * 1000));
      long after = scored.get();
      long elapsed = System.nanoTime() - start;
      workers.forEach(Thread::interrupt);
      for (Thread w : workers) {
        w.join();
      }
      return (after - before) / (elapsed / 1e9);
    } finally {
      refs.forEach(r -> SharedModels.release(r, exec));
    }
  }

  /** One slot's loop: all models on one pre-built batch, again and again. */
  private static final class Worker {
    private final List<StepModelRunner> steps = new ArrayList<>();
    private final List<float[][]> stepStates = new ArrayList<>();
    private final List<WindowModelRunner> windows = new ArrayList<>();
    private final List<float[]> windowRows = new ArrayList<>();
    private final float[] x;
    private final int batch;

    Worker(List<LoadedModel> models, List<float[]> events, int batch) {
      this.batch = batch;
      int f = events.get(0).length;
      x = new float[batch * f];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(events.get(i % events.size()), 0, x, i * f, f);
      }
      for (LoadedModel m : models) {
        ModelSpec spec = m.spec();
        if (spec.kind() == ModelKind.STEP) {
          steps.add(new StepModelRunner(m));
          stepStates.add(spec.zeroStates(batch));
        } else {
          windows.add(new WindowModelRunner(m));
          float[] rows = new float[batch * spec.window() * f];
          for (int i = 0; i < batch * spec.window(); i++) {
            System.arraycopy(events.get(i % events.size()), 0, rows, i * f, f);
          }
          windowRows.add(rows);
        }
      }
    }

    void loop(AtomicLong scored) {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          for (int m = 0; m < steps.size(); m++) {
            steps.get(m).run(x, stepStates.get(m), batch);
          }
          for (int m = 0; m < windows.size(); m++) {
            windows.get(m).run(windowRows.get(m), batch);
          }
          scored.addAndGet(batch);
        }
      } catch (Exception e) {
        throw new IllegalStateException("ONNX Runtime failed in the ceiling run", e);
      }
    }
  }
}
