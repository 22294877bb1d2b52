package io.vigil.pipelines.replay;

/**
 * When the producer sends each event: as fast as possible, at a fixed rate, or following the
 * feed's own event times sped up by a factor (1 = real time).
 */
public record Pacing(double eventsPerSecond, double speedup) {

  public Pacing {
    if (eventsPerSecond < 0 || speedup < 0 || (eventsPerSecond > 0 && speedup > 0)) {
      throw new IllegalArgumentException("pace by a rate or by a speed-up factor (not both), each >= 0; got rate "
          + eventsPerSecond + ", speed-up " + speedup);
    }
  }

  public static Pacing asFastAsPossible() {
    return new Pacing(0, 0);
  }

  public static Pacing rate(double eventsPerSecond) {
    return new Pacing(eventsPerSecond, 0);
  }

  public static Pacing speedup(double factor) {
    return new Pacing(0, factor);
  }

  /**
   * Nanoseconds after the start at which event {@code index} (0-based) is due; its feed time
   * is {@code time}, the first event's {@code firstTime}. 0 = now.
   */
  long dueNanos(long index, long firstTime, long time) {
    if (eventsPerSecond > 0) {
      return (long) (index * 1e9 / eventsPerSecond);
    }
    if (speedup > 0) {
      return (long) ((time - firstTime) * 1e6 / speedup);
    }
    return 0;
  }

  @Override
  public String toString() {
    return eventsPerSecond > 0 ? eventsPerSecond + " events/s" : speedup > 0 ? "the CSV's own time x" + speedup : "as fast as possible";
  }
}
