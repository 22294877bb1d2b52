package io.vigil.operators.ingest;

import io.vigil.schemas.ModelUpdate;
import org.apache.avro.Schema;

/** Decodes model updates from the control topic within the ingest limits; bad ones become dead letters. */
public final class DecodeModelUpdates extends ValidatingDecoder<ModelUpdate> {

  public DecodeModelUpdates(IngestLimits limits) {
    super(limits);
  }

  @Override
  Schema schema() {
    return ModelUpdate.getClassSchema();
  }

  @Override
  Invalid validate(ModelUpdate update, long now) {
    return limits.checkId("model", update.getModel());
  }
}
