package io.vigil.operators.quality;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.FeedbackIssueReason;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.Score;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * What becomes of scores and labels in a label join, counted in the join's metric group and sent
 * on (labelled scores and issues go where the caller says): one class for both joins ({@link FeedbackJoin} by eventId, {@link FeedbackJoinByEntity}), so
 * that they decide, count and report alike. See {@link FeedbackJoin} for the counters.
 */
final class JoinOutcomes {

  private final long ttl;
  private final Counter matched;
  private final Counter unmatched;
  private final Counter expired;
  private final Counter duplicateLabels;
  private final Counter duplicateScores;
  private final Counter unlabelled;

  JoinOutcomes(long ttl, MetricGroup metrics) {
    this.ttl = ttl;
    matched = metrics.counter("matched");
    unmatched = metrics.counter("unmatched");
    expired = metrics.counter("expired");
    duplicateLabels = metrics.counter("duplicateLabels");
    duplicateScores = metrics.counter("duplicateScores");
    unlabelled = metrics.counter("unlabelled");
  }

  /** Score and label have met: emits the pair if their times are within the TTL, else reports why not. */
  boolean resolve(Score score, Feedback label, Consumer<LabelledScore> labelled, Consumer<FeedbackIssue> issues) {
    long eventTime = score.getEventTime().toEpochMilli();
    long labelTime = label.getTime().toEpochMilli();
    if (labelTime > eventTime + ttl) {
      expired(label, issues);
      return false;
    }
    if (eventTime > labelTime + ttl) {
      unmatched(label, issues);
      return false;
    }
    matched.inc();
    labelled.accept(new LabelledScore(score.getEventId(), score.getEntityId(), score.getEventTime(),
        label.getTime(), label.getLabel(), score.getScores()));
    return true;
  }

  /** The label came after its score's wait was over. */
  void expired(Feedback label, Consumer<FeedbackIssue> issues) {
    expired.inc();
    issues.accept(new FeedbackIssue(label, FeedbackIssueReason.EXPIRED));
  }

  /** The label's wait ended without a score within the TTL. */
  void unmatched(Feedback label, Consumer<FeedbackIssue> issues) {
    unmatched.inc();
    issues.accept(new FeedbackIssue(label, FeedbackIssueReason.UNMATCHED));
  }

  /** A label came for an eventId whose label was already taken. */
  void duplicateLabel(Feedback label, Consumer<FeedbackIssue> issues) {
    duplicateLabels.inc();
    issues.accept(new FeedbackIssue(label, FeedbackIssueReason.DUPLICATE));
  }

  void duplicateScore() {
    duplicateScores.inc();
  }

  /** A score's wait ended without a label. */
  void unlabelled() {
    unlabelled.inc();
  }
}
