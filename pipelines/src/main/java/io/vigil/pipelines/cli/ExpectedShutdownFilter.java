package io.vigil.pipelines.cli;

import java.util.List;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Drops the log events a normal stop produces and nothing else. {@code stop-with-savepoint}
 * (the demo's drain) shuts the periodic checkpoint scheduler down and finishing tasks decline a
 * periodic checkpoint in flight: Flink logs each as a failed checkpoint with a stack trace, which
 * only hides the drain progress and the SUMMARY. Any other checkpoint failure still gets through.
 * Used by log4j2-cli.properties as {@code filter.x.type = ExpectedShutdown}.
 */
@Plugin(name = "ExpectedShutdown", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE)
public final class ExpectedShutdownFilter extends AbstractFilter {

  /** Flink's reasons (CheckpointFailureReason) for the failures a stop-with-savepoint causes. */
  static final List<String> EXPECTED_ON_STOP = List.of(
      "Checkpoint was declined (task is closing)",
      "Checkpoint Coordinator is suspending",
      "Periodic checkpoint scheduler is shut down");

  private ExpectedShutdownFilter(Result onMatch, Result onMismatch) {
    super(onMatch, onMismatch);
  }

  @PluginFactory
  public static ExpectedShutdownFilter create(@PluginAttribute("onMatch") Result onMatch,
      @PluginAttribute("onMismatch") Result onMismatch) {
    return new ExpectedShutdownFilter(onMatch == null ? Result.DENY : onMatch, onMismatch == null ? Result.NEUTRAL : onMismatch);
  }

  @Override
  public Result filter(LogEvent event) {
    for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && EXPECTED_ON_STOP.stream().anyMatch(message::contains)) {
        return onMatch;
      }
    }
    return onMismatch;
  }
}
