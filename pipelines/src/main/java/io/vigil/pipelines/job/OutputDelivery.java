package io.vigil.pipelines.job;

import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The delivery guarantee of the outputs a reader may want in milliseconds. At-least-once records
 * are readable as soon as they are written, and may repeat after a failure (with the same id and
 * content: {@code Alert.alertId}, {@code Score.eventId}); exactly-once records are readable by a
 * {@code read_committed} reader only when the checkpoint that covers them completes. The labelled,
 * metrics, dead-letter and feedback-issue outputs are always exactly-once.
 */
public record OutputDelivery(DeliveryGuarantee alerts, DeliveryGuarantee scores) {

  public OutputDelivery {
    requireSupported(alerts, "alerts");
    requireSupported(scores, "scores");
  }

  /**
   * Alerts at-least-once (a pager must see them in milliseconds, and {@code alertId} makes a
   * repeat an upsert); scores exactly-once (the quality join and readers counting scores rely on
   * each event being scored once).
   */
  public static OutputDelivery defaults() {
    return new OutputDelivery(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
  }

  public static OutputDelivery exactlyOnce() {
    return new OutputDelivery(DeliveryGuarantee.EXACTLY_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
  }

  /** {@code at-least-once} or {@code exactly-once}, as on the command line. */
  public static DeliveryGuarantee parse(String value, String option) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
      case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
      default -> throw new IllegalArgumentException(option + " " + value + " is not known: use at-least-once or exactly-once");
    };
  }

  /** The {@code isolation.level} a reader of an output with this guarantee needs to see each record once it counts. */
  public static String readerIsolation(DeliveryGuarantee g) {
    return g == DeliveryGuarantee.EXACTLY_ONCE ? "read_committed" : "read_uncommitted";
  }

  private static void requireSupported(DeliveryGuarantee g, String output) {
    if (g != DeliveryGuarantee.AT_LEAST_ONCE && g != DeliveryGuarantee.EXACTLY_ONCE) {
      throw new IllegalArgumentException(output + " delivery must be at-least-once or exactly-once, not " + g);
    }
  }
}
