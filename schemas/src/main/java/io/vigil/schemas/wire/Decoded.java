package io.vigil.schemas.wire;

import java.util.Objects;

/** Outcome of decoding one record: the value, or why there is none. */
public final class Decoded<T> {

  /** Why bytes could not be decoded. Mirrors the decoding subset of DeadLetterReason. */
  public enum Failure { MALFORMED, UNKNOWN_SCHEMA, RECORD_TOO_LARGE }

  private final T value;
  private final Failure failure;
  private final String message;

  private Decoded(T value, Failure failure, String message) {
    this.value = value;
    this.failure = failure;
    this.message = message;
  }

  static <T> Decoded<T> ok(T value) {
    return new Decoded<>(Objects.requireNonNull(value), null, null);
  }

  static <T> Decoded<T> failed(Failure failure, String message) {
    return new Decoded<>(null, failure, message == null ? failure.name() : message);
  }

  public boolean isOk() {
    return value != null;
  }

  public T value() {
    if (value == null) {
      throw new IllegalStateException("decoding failed: " + message);
    }
    return value;
  }

  public Failure failure() {
    return failure;
  }

  public String message() {
    return message;
  }
}
