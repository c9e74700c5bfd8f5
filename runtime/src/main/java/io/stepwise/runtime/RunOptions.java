package io.stepwise.runtime;

import java.util.Optional;

/**
 * Options of one workflow run.
 *
 * <pre>{@code
 * runner.run(input, RunOptions.builder().transactionId("order-42").throwOnError(false).build());
 * }</pre>
 */
public final class RunOptions {
  private static final RunOptions DEFAULTS = new RunOptions(null, true);

  private final String transactionId;
  private final boolean throwOnError;

  private RunOptions(String transactionId, boolean throwOnError) {
    this.transactionId = transactionId;
    this.throwOnError = throwOnError;
  }

  /** A fresh transaction id and {@code throwOnError(true)}. */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The transaction id given for the run; empty means the run gets a fresh unique one. */
  public Optional<String> transactionId() {
    return Optional.ofNullable(transactionId);
  }

  /**
   * Whether {@code run} throws {@link WorkflowFailedException} when the run does not end DONE
   * (default true). When false, {@code run} returns the failed {@link WorkflowResult}.
   */
  public boolean throwOnError() {
    return throwOnError;
  }

  /** Builds {@link RunOptions}. */
  public static final class Builder {
    private String transactionId;
    private boolean throwOnError = true;

    private Builder() {}

    /** The run's transaction id: non-blank, at most 200 characters. */
    public Builder transactionId(String transactionId) {
      if (transactionId == null || transactionId.isBlank()) {
        throw new IllegalArgumentException("transactionId must not be null or blank");
      }
      if (transactionId.length() > 200) {
        throw new IllegalArgumentException(
            "transactionId must be at most 200 characters, was " + transactionId.length());
      }
      this.transactionId = transactionId;
      return this;
    }

    public Builder throwOnError(boolean throwOnError) {
      this.throwOnError = throwOnError;
      return this;
    }

    public RunOptions build() {
      return new RunOptions(transactionId, throwOnError);
    }
  }
}
