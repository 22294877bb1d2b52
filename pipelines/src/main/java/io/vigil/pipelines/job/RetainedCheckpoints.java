package io.vigil.pipelines.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the newest completed checkpoint that Flink retained under a checkpoint directory. */
public final class RetainedCheckpoints {

  private RetainedCheckpoints() {}

  /** The newest {@code chk-N} folder holding a {@code _metadata} file (i.e. completed), if any. */
  public static Optional<Path> latest(Path checkpointDir) throws IOException {
    if (!Files.isDirectory(checkpointDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(checkpointDir, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().matches("chk-\\d+"))
          .max(Comparator.comparingLong((Path p) -> lastModified(p))
              .thenComparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
    }
  }

  private static long lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p.resolve("_metadata")).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
