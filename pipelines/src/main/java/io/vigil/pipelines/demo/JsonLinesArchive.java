package io.vigil.pipelines.demo;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes output records as JSON lines, one file per topic ({@code scores.jsonl}, ...), in Avro's
 * standard JSON encoding, so any Avro-aware tool can read them back with the same schemas.
 */
final class JsonLinesArchive implements AutoCloseable {

  private final Path dir;
  private final Map<String, OutputStream> files = new HashMap<>();
  private final Map<String, JsonEncoder> encoders = new HashMap<>();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);

  JsonLinesArchive(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** Appends {@code record} to {@code <name>.jsonl}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void write(String name, SpecificRecordBase record) {
    try {
      OutputStream out = files.computeIfAbsent(name, n -> open(dir.resolve(n + ".jsonl")));
      line.reset();
      JsonEncoder encoder = encoders.get(name);
      if (encoder == null) {
        encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), line);
        encoders.put(name, encoder);
      } else {
        encoder.configure(line); // a fresh root value: no separator before it
      }
      new SpecificDatumWriter(record.getSchema()).write(record, encoder);
      encoder.flush();
      line.writeTo(out);
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name + ".jsonl"), e);
    }
  }

  /** Creates the file even when no record ever comes, so readers find every topic's file. */
  void touch(String name) {
    files.computeIfAbsent(name, n -> open(dir.resolve(n + ".jsonl")));
  }

  private static OutputStream open(Path file) {
    try {
      return new BufferedOutputStream(Files.newOutputStream(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    }
  }

  @Override
  public void close() throws IOException {
    for (OutputStream out : files.values()) {
      out.close();
    }
  }
}
