package io.vigil.pipelines.job;

import java.util.List;

/** The default topic names. */
public final class Topics {
  public static final String EVENTS = "events";
  public static final String SCORES = "scores";
  public static final String DEAD_LETTERS = "dead-letters";
  public static final String FEEDBACK = "feedback";
  public static final String ALERTS = "alerts";

  public static final List<String> ALL = List.of(EVENTS, SCORES, DEAD_LETTERS, FEEDBACK, ALERTS);

  private Topics() {}
}
