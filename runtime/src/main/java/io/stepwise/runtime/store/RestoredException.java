package io.stepwise.runtime.store;

import java.util.Objects;

/**
 * A stand-in for an exception that a run recorded before the process stopped: the original
 * exception is gone, but its class name ({@link #originalType()}) and message are kept. It prints as
 * the original did ({@code com.acme.PaymentDeclined: card expired}) and has no stack trace.
 */
public final class RestoredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalType;

  public RestoredException(String originalType, String message) {
    super(message, null, true, false);
    this.originalType = Objects.requireNonNull(originalType, "originalType");
  }

  /** The fully qualified class name of the original exception. */
  public String originalType() {
    return originalType;
  }

  /** As {@link Throwable#toString()} printed the original: its class name, then its message if any. */
  @Override
  public String toString() {
    String message = getLocalizedMessage();
    return message == null ? originalType : originalType + ": " + message;
  }
}
