package io.vigil.operators.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One ONNX Runtime session with its checked contract. {@code OrtSession.run} is thread-safe. */
public final class LoadedModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

  private final OrtSession session;
  private final ModelSpec spec;
  private final String device;

  private LoadedModel(OrtSession session, ModelSpec spec, String device) {
    this.session = session;
    this.spec = spec;
    this.device = device;
  }

  /** Loads and checks a model; every failure names the file and what to do about it. */
  public static LoadedModel load(ModelRef ref, ExecutionOptions options) {
    return fromBytes(ref, read(ref), options);
  }

  /** The model's bytes; a failure names the file. */
  public static byte[] read(ModelRef ref) {
    try {
      return ref.load();
    } catch (java.io.IOException e) {
      throw new ModelContractException("model " + ref + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /** Checks bytes already read from {@code ref} (e.g. after verifying their checksum). */
  public static LoadedModel fromBytes(ModelRef ref, byte[] bytes, ExecutionOptions options) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      String device = addProvider(so, options, ref);
      OrtSession session;
      try {
        session = env.createSession(bytes, so);
      } catch (OrtException e) {
        throw new ModelContractException("model " + ref + ": ONNX Runtime cannot load it (" + e.getMessage()
            + "). Fix: check that the file is a complete ONNX model (opset <= 17), e.g. re-export it with models/train.py.", e);
      }
      try {
        return new LoadedModel(session, ModelContract.check(session, ref.toString()), device);
      } catch (RuntimeException e) {
        closeQuietly(session);
        throw e;
      }
    } catch (OrtException e) {
      throw new ModelContractException("model " + ref + ": cannot set up ONNX Runtime session options: " + e.getMessage(), e);
    }
  }

  private static String addProvider(OrtSession.SessionOptions so, ExecutionOptions options, ModelRef ref) {
    if (!options.wantsCuda()) {
      return "cpu";
    }
    try {
      so.addCUDA(options.cudaDeviceId());
      return options.device();
    } catch (OrtException | UnsatisfiedLinkError | RuntimeException e) {
      String why = "device=" + options.device() + " was asked for " + ref + " but CUDA is not usable here (" + e.getMessage()
          + "). It needs the GPU build (mvn -Pgpu) plus CUDA 12 and cuDNN 9 on the host";
      if (!options.cpuFallback()) {
        throw new ModelContractException(why + ". Fix: install them, use device=cpu, or allow CPU fallback (--cpu-fallback).", e);
      }
      LOG.warn("{}; falling back to CPU as configured.", why);
      return "cpu (fallback)";
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  public OrtSession session() {
    return session;
  }

  /** The execution provider actually in use, e.g. {@code cpu (fallback)}. */
  public String device() {
    return device;
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing ONNX session failed", e);
    }
  }
}
