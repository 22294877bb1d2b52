package io.vigil.pipelines.job;

import java.util.List;

/** The topics one job reads and writes. */
public record TopicNames(
    String events,
    String feedback,
    String scores,
    String deadLetters,
    String alerts,
    String labelled,
    String metrics,
    String feedbackIssues) {

  public static TopicNames defaults() {
    return new TopicNames("events", "feedback", "scores", "dead-letters", "alerts", "labelled", "metrics", "feedback-issues");
  }

  /** Inputs {@code events} and {@code feedback} as given; every output named {@code <prefix>-<output>}. */
  public static TopicNames prefixed(String events, String feedback, String prefix) {
    TopicNames d = defaults();
    return new TopicNames(events, feedback, prefix + "-" + d.scores, prefix + "-" + d.deadLetters, prefix + "-" + d.alerts,
        prefix + "-" + d.labelled, prefix + "-" + d.metrics, prefix + "-" + d.feedbackIssues);
  }

  public List<String> outputs() {
    return List.of(scores, deadLetters, alerts, labelled, metrics, feedbackIssues);
  }

  public List<String> all() {
    return List.of(events, feedback, scores, deadLetters, alerts, labelled, metrics, feedbackIssues);
  }
}
