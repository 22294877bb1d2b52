package io.vigil.operators.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a model's {@code .onnx} bytes come from: a file path, {@code classpath:name} for the
 * models shipped inside the job jar (so a cluster needs no extra files), or a URI of any file
 * system Flink can read ({@code file:///...}, {@code s3://...}, {@code hdfs://...}). Serializable:
 * it travels with the job graph, the bytes are read on the task managers.
 */
public record ModelRef(String location) implements Serializable {

  private static final String CLASSPATH = "classpath:";

  public static ModelRef of(String location) {
    return new ModelRef(location);
  }

  public byte[] load() throws IOException {
    if (location.startsWith(CLASSPATH)) {
      String name = location.substring(CLASSPATH.length());
      try (InputStream in = ModelRef.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new NoSuchFileException(location, null, "no such resource on the classpath; pass a file path instead");
        }
        return in.readAllBytes();
      }
    }
    if (location.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      org.apache.flink.core.fs.Path uri = new org.apache.flink.core.fs.Path(location);
      try (InputStream in = uri.getFileSystem().open(uri)) {
        return in.readAllBytes();
      }
    }
    Path path = Path.of(location);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toAbsolutePath().toString(), null,
          "model file not found; train and export one with models/train.py or pass another path");
    }
    return Files.readAllBytes(path);
  }

  @Override
  public String toString() {
    return location;
  }
}
