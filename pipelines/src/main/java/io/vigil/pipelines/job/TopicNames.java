package io.vigil.pipelines.job;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics one job reads and writes. {@code feedback} is null when the job runs without labels:
 * then there is no quality path, and the labelled, metrics, feedback-issues and comparisons topics
 * are unused. {@code modelUpdates} is the control input of model swaps, {@code modelEvents} says
 * what became of each update; {@code comparisons} holds the champion / challenger comparison records.
 */
public record TopicNames(
    String events,
    String feedback,
    String scores,
    String deadLetters,
    String alerts,
    String labelled,
    String metrics,
    String feedbackIssues,
    String modelUpdates,
    String modelEvents,
    String comparisons) {

  public static TopicNames defaults() {
    return new TopicNames("events", "feedback", "scores", "dead-letters", "alerts", "labelled", "metrics", "feedback-issues",
        "model-updates", "model-events", "model-comparisons");
  }

  /** Inputs {@code events} and {@code feedback} as given; every output named {@code <prefix>-<output>}. */
  public static TopicNames prefixed(String events, String feedback, String prefix) {
    TopicNames d = defaults();
    return new TopicNames(events, feedback, prefix + "-" + d.scores, prefix + "-" + d.deadLetters, prefix + "-" + d.alerts,
        prefix + "-" + d.labelled, prefix + "-" + d.metrics, prefix + "-" + d.feedbackIssues, prefix + "-" + d.modelUpdates,
        prefix + "-" + d.modelEvents, prefix + "-" + d.comparisons);
  }

  /** The same topics without the feedback input and the quality outputs. */
  public TopicNames withoutLabels() {
    return new TopicNames(events, null, scores, deadLetters, alerts, labelled, metrics, feedbackIssues, modelUpdates, modelEvents,
        comparisons);
  }

  public boolean hasFeedback() {
    return feedback != null;
  }

  public List<String> inputs() {
    return hasFeedback() ? List.of(events, feedback, modelUpdates) : List.of(events, modelUpdates);
  }

  public List<String> outputs() {
    return hasFeedback() ? List.of(scores, deadLetters, alerts, labelled, metrics, feedbackIssues, modelEvents, comparisons)
        : List.of(scores, deadLetters, alerts, modelEvents);
  }

  /** These topics as arguments of {@code vigil run}, as a job submitted to a cluster takes them. */
  public List<String> runArguments() {
    List<String> args = new ArrayList<>(List.of("--events-topic", events));
    args.addAll(hasFeedback() ? List.of("--feedback-topic", feedback) : List.of("--no-labels"));
    args.addAll(List.of("--scores-topic", scores, "--dead-letters-topic", deadLetters, "--alerts-topic", alerts,
        "--labelled-topic", labelled, "--metrics-topic", metrics, "--feedback-issues-topic", feedbackIssues,
        "--model-updates-topic", modelUpdates, "--model-events-topic", modelEvents, "--comparisons-topic", comparisons));
    return args;
  }

  public List<String> all() {
    List<String> all = new ArrayList<>(inputs());
    all.addAll(outputs());
    return all;
  }
}
