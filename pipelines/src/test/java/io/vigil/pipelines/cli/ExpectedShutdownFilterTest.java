package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter.Result;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** Only the checkpoint failures a stop-with-savepoint causes are dropped; other failures and plain warnings pass. */
class ExpectedShutdownFilterTest {

  private static Result filter(Throwable thrown) {
    return ExpectedShutdownFilter.create(null, null).filter(Log4jLogEvent.newBuilder().setLevel(Level.WARN)
        .setMessage(new SimpleMessage("Failed to trigger or complete checkpoint 6")).setThrown(thrown).build());
  }

  @Test
  void dropsTheDeclinesOfAStopAndNothingElse() {
    for (CheckpointFailureReason expected : new CheckpointFailureReason[] {CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING,
        CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND, CheckpointFailureReason.PERIODIC_SCHEDULER_SHUTDOWN}) {
      assertThat(filter(new CheckpointException(expected))).as(expected.name()).isEqualTo(Result.DENY);
      assertThat(filter(new RuntimeException("wrapped", new CheckpointException(expected)))).isEqualTo(Result.DENY);
    }
    assertThat(filter(new CheckpointException(CheckpointFailureReason.CHECKPOINT_EXPIRED))).isEqualTo(Result.NEUTRAL);
    assertThat(filter(new CheckpointException(CheckpointFailureReason.IO_EXCEPTION))).isEqualTo(Result.NEUTRAL);
    assertThat(filter(null)).isEqualTo(Result.NEUTRAL);
  }
}
