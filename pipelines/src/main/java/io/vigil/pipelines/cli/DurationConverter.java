package io.vigil.pipelines.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;

/** Durations the way Flink's configuration writes them: {@code 24h}, {@code 10min}, {@code 30 s}, {@code 500ms}. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return TimeUtils.parseDuration(value);
  }
}
