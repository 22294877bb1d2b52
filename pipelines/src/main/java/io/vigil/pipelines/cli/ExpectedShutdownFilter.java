package io.vigil.pipelines.cli;

import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
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

  /** The messages of the checkpoint failures a stop-with-savepoint causes. */
  static final List<String> EXPECTED_ON_STOP = Stream.of(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING,
      CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND, CheckpointFailureReason.PERIODIC_SCHEDULER_SHUTDOWN)
      .map(CheckpointFailureReason::message).toList();

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
