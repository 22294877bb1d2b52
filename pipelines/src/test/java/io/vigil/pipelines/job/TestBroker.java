package io.vigil.pipelines.job;

import io.vigil.pipelines.kafka.EmbeddedKafka;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real KRaft broker (two partitions per topic by default) for all tests of a class, started
 * before them and stopped after them, also when they fail:
 * {@code @RegisterExtension static final TestBroker broker = new TestBroker();}.
 */
public final class TestBroker implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedKafka kafka;
  private KafkaTopics topics;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    kafka = EmbeddedKafka.start(List.of(), 2);
    topics = new KafkaTopics(kafka.bootstrapServers());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** Test-side producer and readers of this broker. */
  public KafkaTopics topics() {
    return topics;
  }
}
