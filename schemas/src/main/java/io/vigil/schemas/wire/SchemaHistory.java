package io.vigil.schemas.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of a record's schema, kept as resources {@code io/vigil/schemas/history/<Name>-<n>.avsc}
 * (n = 1, 2, ...; each a full, self-contained schema as that version's code wrote it). Bytes that
 * an older version wrote, in a topic or in job state, carry that version's fingerprint: a
 * {@link WireCodec} that knows the history resolves them to the current record (Avro schema
 * resolution: new fields take their defaults). Before changing a record's .avsc, add its current
 * schema here as the next version.
 */
public final class SchemaHistory {

  private SchemaHistory() {}

  /** The earlier schemas of the record {@code name} (simple name, e.g. "Score"), oldest first. */
  public static List<Schema> of(String name) {
    List<Schema> schemas = new ArrayList<>();
    for (int version = 1; ; version++) {
      String path = "/io/vigil/schemas/history/" + name + "-" + version + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
        if (in == null) {
          return schemas;
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
