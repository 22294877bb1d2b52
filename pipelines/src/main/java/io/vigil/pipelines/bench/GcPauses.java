package io.vigil.pipelines.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collections of this JVM while open, with their durations: the benchmark's job, broker
 * and readers share the JVM, so a collection's pause delays every record in flight (the latency
 * tail it explains). Concurrent cycles (G1's marking, ZGC) are not pauses and are left out.
 */
final class GcPauses implements AutoCloseable {

  /** {wall-clock ms when the pause was reported, its duration in ms}. */
  private final List<long[]> pauses = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::record;

  GcPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private void record(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    if (info.getGcName().contains("Concurrent") || info.getGcName().contains("Cycles")) {
      return;
    }
    synchronized (pauses) {
      pauses.add(new long[] {System.currentTimeMillis(), info.getGcInfo().getDuration()});
    }
  }

  /** {count, total ms, longest ms} of the pauses that ended at or after {@code fromMillis}. */
  long[] since(long fromMillis) {
    synchronized (pauses) {
      long count = 0;
      long total = 0;
      long max = 0;
      for (long[] p : pauses) {
        if (p[0] >= fromMillis) {
          count++;
          total += p[1];
          max = Math.max(max, p[1]);
        }
      }
      return new long[] {count, total, max};
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // never added: nothing to remove
      }
    }
  }
}
