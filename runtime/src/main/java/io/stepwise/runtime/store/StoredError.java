package io.stepwise.runtime.store;

import java.util.Objects;

/**
 * An exception as a store keeps it: its class name and its message, not its stack trace. {@link
 * #toException()} restores a stand-in for it.
 *
 * @param type the fully qualified name of the exception's class
 * @param message the exception's message; null if it had none
 */
public record StoredError(String type, String message) {
  public StoredError {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("type must not be blank");
    }
  }

  /** The class name and message of {@code exception}. */
  public static StoredError of(Throwable exception) {
    return new StoredError(exception.getClass().getName(), exception.getMessage());
  }

  /** A stand-in for the exception that was stored: it has the same message, and names the class. */
  public RestoredException toException() {
    return new RestoredException(type, message);
  }
}
