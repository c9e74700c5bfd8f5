package io.stepwise.example;

/**
 * What may be shown of an error, to an API client or in the record of a run. The business errors
 * ({@link RestockException}: a rule refused; {@link StoreUnavailableException}: the store is in
 * maintenance) have messages written for people, which name ids and never internals: they are shown
 * as they are. Anything else is unexpected (a {@link StoreException}, a bug), and its message might
 * hold a class name, SQL or a file path: it is shown as {@link #UNEXPECTED}, and the caller logs the
 * exception itself.
 */
public final class PublicErrors {
  /** What is shown of an unexpected error. */
  public static final String UNEXPECTED = "an unexpected error occurred";

  private PublicErrors() {}

  /** Whether {@code error} is a business error, whose message is safe to show as it is. */
  public static boolean isExpected(Throwable error) {
    return error instanceof RestockException || error instanceof StoreUnavailableException;
  }

  /** The message of {@code error} if it is {@linkplain #isExpected expected}, else {@link #UNEXPECTED}. */
  public static String message(Throwable error) {
    if (isExpected(error) && error.getMessage() != null) {
      return error.getMessage();
    }
    return UNEXPECTED;
  }
}
