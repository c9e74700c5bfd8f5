package io.stepwise.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Options of one workflow run.
 *
 * <pre>{@code
 * runner.run(input, RunOptions.builder().transactionId("order-42").throwOnError(false).build());
 * }</pre>
 */
public final class RunOptions {
  private static final RunOptions DEFAULTS = new RunOptions(null, true, List.of(), null);

  private final String transactionId;
  private final boolean throwOnError;
  private final List<WorkflowListener> listeners;
  private final Executor executor;

  private RunOptions(String transactionId, boolean throwOnError, List<WorkflowListener> listeners, Executor executor) {
    this.transactionId = transactionId;
    this.throwOnError = throwOnError;
    this.listeners = listeners;
    this.executor = executor;
  }

  /** A fresh transaction id, {@code throwOnError(true)}, no listener, the default executor. */
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

  /** The listeners of the run, in the order they were added. */
  public List<WorkflowListener> listeners() {
    return listeners;
  }

  /**
   * The executor that runs the steps of {@code @Parallel} groups and {@code runAsync} runs; empty
   * means Stepwise's default, a shared pool of daemon threads that grows as needed.
   */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  /** Builds {@link RunOptions}. */
  public static final class Builder {
    private String transactionId;
    private boolean throwOnError = true;
    private final List<WorkflowListener> listeners = new ArrayList<>();
    private Executor executor;

    private Builder() {}

    /** The run's transaction id: non-blank, at most 200 characters, no control characters. */
    public Builder transactionId(String transactionId) {
      if (transactionId == null || transactionId.isBlank()) {
        throw new IllegalArgumentException("transactionId must not be null or blank");
      }
      if (transactionId.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("transactionId must not contain control characters (it goes into log lines "
            + "and the run's record), was " + transactionId.replaceAll("\\p{Cntrl}", "?"));
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

    /** Adds a listener of the run's events. */
    public Builder listener(WorkflowListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The executor for {@code @Parallel} steps and {@code runAsync}. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public RunOptions build() {
      return new RunOptions(transactionId, throwOnError, List.copyOf(listeners), executor);
    }
  }
}
