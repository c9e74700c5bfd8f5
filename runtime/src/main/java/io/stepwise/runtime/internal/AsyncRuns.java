package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs a workflow on the run's executor for a runner's {@code runAsync}. Not API. */
public final class AsyncRuns {
  private AsyncRuns() {}

  /**
   * The run on {@code options.executor()}, or Stepwise's default pool. A {@code WorkflowFailedException}
   * completes the future exceptionally (wrapped in a {@code CompletionException} for {@code join}).
   */
  public static <T> CompletableFuture<T> supply(RunOptions options, Supplier<T> run) {
    if (options == null) {
      throw new NullPointerException("RunOptions must not be null; use RunOptions.defaults()");
    }
    return CompletableFuture.supplyAsync(run, options.executor().orElseGet(Scheduling::pool));
  }
}
