package io.vigil.pipelines.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV of the shape {@code models/train.py} accepts, with the same rules: {@code entity_id}
 * and {@code time} (epoch milliseconds or ISO-8601; no zone = UTC) required; {@code event_id},
 * {@code label} and {@code kind} optional; every other column a feature unless the caller names
 * them. Rows come back in time order (ties in file order), so each entity's events are in the
 * order training saw them. A row that cannot be read stops the read with its line number.
 */
public final class ReplayCsv {

  /** Columns that are never features (as in models/vigil_models/data.py). */
  public static final List<String> RESERVED = List.of("entity_id", "event_id", "time", "label", "kind");

  /** One row; {@code label} is null when the CSV has no label column. */
  public record Row(String entityId, String eventId, long timeMillis, float[] features, Boolean label) {}

  /** The rows of {@code path}, their feature names in the order of {@code features}. */
  public record Data(Path path, List<String> featureNames, boolean labelled, List<Row> rows) {

    public long entities() {
      return rows.stream().map(Row::entityId).distinct().count();
    }

    /** The rows as a feed, in time order. */
    public EventFeed feed() {
      var it = rows.iterator();
      return () -> {
        if (!it.hasNext()) {
          return null;
        }
        Row r = it.next();
        return new FeedItem.Event(r.entityId(), r.eventId(), r.timeMillis(), r.features(), r.label());
      };
    }
  }

  private ReplayCsv() {}

  /** The candidate feature columns of the header: every non-reserved column, in file order. */
  public static List<String> featureColumns(Path path) {
    List<String> header = header(path);
    return header.stream().filter(c -> !RESERVED.contains(c)).toList();
  }

  /** Reads every row; {@code features} = the columns to send, in this order (null: every feature column). */
  public static Data read(Path path, List<String> features) {
    List<String> header = header(path);
    List<String> names = features == null ? featureColumns(path) : features;
    List<String> missing = names.stream().filter(n -> !header.contains(n)).toList();
    if (names.isEmpty() || !missing.isEmpty()) {
      throw new IllegalArgumentException(path + ": feature columns " + (names.isEmpty() ? "(none)" : missing)
          + " not found in header " + String.join(",", header));
    }
    int entity = header.indexOf("entity_id");
    int time = header.indexOf("time");
    int eventId = header.indexOf("event_id");
    int label = header.indexOf("label");
    int[] cols = names.stream().mapToInt(header::indexOf).toArray();
    List<Row> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path)) {
      r.readLine();
      String line;
      for (int lineNo = 2; (line = r.readLine()) != null; lineNo++) {
        if (line.isBlank()) {
          continue;
        }
        List<String> v = split(line);
        try {
          float[] x = new float[cols.length];
          for (int i = 0; i < cols.length; i++) {
            x[i] = parseFloat(v.get(cols[i]));
          }
          Boolean y = label < 0 ? null : (int) Double.parseDouble(v.get(label).trim()) != 0;
          rows.add(new Row(v.get(entity), eventId < 0 ? null : v.get(eventId), parseTime(v.get(time)), x, y));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
          throw new IllegalArgumentException(path + ":" + lineNo + ": cannot parse row (" + e.getMessage() + ")");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(path + " cannot be read (" + e.getMessage() + ")");
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(path + " has no rows");
    }
    return new Data(path, List.copyOf(names), label >= 0, withEventIds(path, ordered(rows)));
  }

  /** Epoch milliseconds (a plain number) or ISO-8601 with or without zone (UTC then) or a date. */
  public static long parseTime(String value) {
    String s = value.trim();
    try {
      return Math.round(Double.parseDouble(s));
    } catch (NumberFormatException ignored) {
      // not a number: ISO-8601 below
    }
    String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no zone: UTC
    }
    try {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // maybe a date alone
    }
    try {
      return LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("time '" + value + "' is neither epoch milliseconds nor ISO-8601 (e.g. "
          + Instant.ofEpochSecond(1_393_695_240L) + ")");
    }
  }

  private static float parseFloat(String value) {
    String s = value.trim();
    return s.equalsIgnoreCase("nan") ? Float.NaN : Float.parseFloat(s);
  }

  /** Stable sort by time: ties keep file order, as Python's sorted() does in training. */
  private static List<Row> ordered(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(Row::timeMillis));
    return sorted;
  }

  /** Rows without an event_id get {@code <entity>#<n>}, n counting the entity's rows in time order; ids must be unique. */
  private static List<Row> withEventIds(Path path, List<Row> rows) {
    Map<String, Integer> counts = new HashMap<>();
    Set<String> seen = new HashSet<>();
    List<Row> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      int n = counts.merge(r.entityId(), 1, Integer::sum) - 1;
      String id = r.eventId() == null || r.eventId().isBlank() ? r.entityId() + "#" + n : r.eventId();
      if (!seen.add(id)) {
        throw new IllegalArgumentException(path + ": event_id '" + id + "' appears twice; event ids must be unique "
            + "(labels are joined to scores by them)");
      }
      out.add(new Row(r.entityId(), id, r.timeMillis(), r.features(), r.label()));
    }
    return out;
  }

  private static List<String> header(Path path) {
    try (BufferedReader r = Files.newBufferedReader(path)) {
      String first = r.readLine();
      List<String> header = first == null ? List.of() : split(first).stream().map(String::trim).toList();
      for (String required : List.of("entity_id", "time")) {
        if (!header.contains(required)) {
          throw new IllegalArgumentException(path + ": missing required column '" + required + "' (header: "
              + String.join(",", header) + ")");
        }
      }
      return header;
    } catch (IOException e) {
      throw new IllegalArgumentException(path + " cannot be read (" + e.getMessage() + ")");
    }
  }

  /** One CSV line into fields: commas separate, double quotes enclose (a doubled quote is a quote). */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        f.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    fields.add(f.toString());
    return fields;
  }
}
