package io.stepwise.example;

/**
 * The database failed: it could not be reached, or a statement failed. The message says only that
 * (it is safe to show); the cause, for the log, has the details. Unlike a {@link RestockException},
 * no business rule refused the operation, and unlike a {@link StoreUnavailableException}, nobody
 * planned it.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
