package io.vigil.pipelines.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes generated sequences as the CSV the training scripts in {@code models/} read:
 * {@code entity_id,event_id,time,f0..f{F-1},label,kind}, rows in stream order.
 */
public final class TrainingCsv {

  private TrainingCsv() {}

  public static long write(SyntheticStream stream, int steps, Path out) throws IOException {
    int features = stream.settings().features();
    long rows = (long) steps * stream.settings().entities();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      StringBuilder header = new StringBuilder("entity_id,event_id,time");
      for (int f = 0; f < features; f++) {
        header.append(",f").append(f);
      }
      w.write(header.append(",label,kind\n").toString());
      StringBuilder row = new StringBuilder(256);
      for (long r = 0; r < rows; r++) {
        SyntheticEvent e = stream.nextEvent();
        row.setLength(0);
        row.append(e.entityId()).append(',').append(e.eventId()).append(',').append(e.eventTimeMillis());
        for (float v : e.features()) {
          row.append(',').append(v);
        }
        row.append(',').append(e.anomalous() ? 1 : 0).append(',').append(e.kind().name().toLowerCase()).append('\n');
        w.write(row.toString());
      }
    }
    return rows;
  }
}
