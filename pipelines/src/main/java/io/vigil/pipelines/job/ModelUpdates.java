package io.vigil.pipelines.job;

import io.vigil.operators.lifecycle.ValidateModelUpdates;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelDigest;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.StateMigration;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Model updates for a running job: described from the model file itself, checked, and published to the control topic. */
public final class ModelUpdates {

  private ModelUpdates() {}

  /**
   * The update that activates the file at {@code uri}: its sha256, and its name and version from
   * its own metadata. Refused here, with the reason the job would give, when the job would reject it.
   */
  public static ModelUpdate describe(String uri, ModelRole role, String challenges, StateMigration migration) {
    ModelRef ref = ModelRef.of(uri);
    byte[] bytes = LoadedModel.read(ref);
    ModelSpec spec;
    try (LoadedModel model = LoadedModel.fromBytes(ref, bytes, ExecutionOptions.cpu())) {
      spec = model.spec();
    }
    ModelUpdate update = new ModelUpdate(spec.name(), spec.version(), uri, ModelDigest.sha256(bytes), role, challenges, migration,
        Instant.now());
    String problem = ValidateModelUpdates.problem(update);
    if (problem != null) {
      throw new IllegalArgumentException("the job would reject this update: " + problem);
    }
    return update;
  }

  /** Publishes {@code update} (keyed by model name) and waits until the broker has it. */
  public static void publish(String bootstrap, Map<String, String> clientProperties, String topic, ModelUpdate update)
      throws Exception {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, update.getModel().getBytes(StandardCharsets.UTF_8),
          new WireCodec<ModelUpdate>(ModelUpdate.getClassSchema()).encode(update))).get(30, TimeUnit.SECONDS);
    }
  }
}
