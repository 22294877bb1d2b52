package io.vigil.pipelines.cli;

import io.vigil.operators.ingest.IngestLimits;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Command-line options for the bounds every input record must keep (events and labels alike); defaults = {@link IngestLimits#defaults()}. */
final class IngestOptions {

  @Option(names = "--max-record-bytes", defaultValue = "1048576",
      description = "Larger input records become dead letters (RECORD_TOO_LARGE) unread (default: ${DEFAULT-VALUE}).")
  int maxRecordBytes;

  @Option(names = "--max-id-length", defaultValue = "256",
      description = "Longest entityId / eventId in chars; longer or empty ones are dead letters (BAD_ID) (default: ${DEFAULT-VALUE}).")
  int maxIdLength;

  @Option(names = "--max-event-age", defaultValue = "7d", converter = DurationConverter.class,
      description = "Events and labels older than this (before now) are dead letters (EVENT_TIME_OUT_OF_RANGE); "
          + "e.g. 7d, 12h, 30m (default: ${DEFAULT-VALUE}).")
  Duration maxEventAge;

  @Option(names = "--max-future-skew", defaultValue = "5m", converter = DurationConverter.class,
      description = "Events and labels further ahead of now than this are dead letters (EVENT_TIME_OUT_OF_RANGE) "
          + "(default: ${DEFAULT-VALUE}).")
  Duration maxFutureSkew;

  @Option(names = "--dead-letter-max-bytes", defaultValue = "65536",
      description = "A dead letter keeps at most this many bytes of the rejected record, plus its size "
          + "(default: ${DEFAULT-VALUE}); keep it well below the dead-letter topic's max.message.bytes.")
  int deadLetterMaxBytes;

  IngestLimits limits() {
    return new IngestLimits(maxRecordBytes, maxIdLength, maxEventAge, maxFutureSkew, deadLetterMaxBytes);
  }

  /** {@code <number><unit>} with unit ms, s, m, h or d; or an ISO-8601 duration such as PT5M. */
  static final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        return Duration.parse(value);
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
  }
}
