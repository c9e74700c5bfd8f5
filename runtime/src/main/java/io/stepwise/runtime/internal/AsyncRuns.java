package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.MDC;

/** Runs a workflow on the run's executor for a runner's {@code runAsync}. Not API. */
public final class AsyncRuns {
  private AsyncRuns() {}

  /**
   * The run on {@code options.executor()}, or Stepwise's default pool, with the caller's MDC (a
   * request id, say) on the executor's thread while it runs. A {@code WorkflowFailedException}
   * completes the future exceptionally (wrapped in a {@code CompletionException} for {@code join}).
   * A run with a given transaction id can be cancelled through {@code registry} at once, before it
   * has started.
   */
  public static <T> CompletableFuture<T> supply(RunOptions options, RunRegistry registry, Supplier<T> run) {
    if (options == null) {
      throw new NullPointerException("RunOptions must not be null; use RunOptions.defaults()");
    }
    Map<String, String> callerMdc = MDC.getCopyOfContextMap(); // the run carries the caller's MDC, as run() does
    String transactionId = options.transactionId().orElse(null);
    Object token = transactionId == null ? null : registry.queue(transactionId);
    try {
      return CompletableFuture.supplyAsync(() -> {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        if (callerMdc != null) {
          MDC.setContextMap(callerMdc);
        }
        try {
          return run.get();
        } finally {
          if (transactionId != null) {
            registry.unqueue(transactionId, token); // if the run failed before it started
          }
          if (previous == null) {
            MDC.clear();
          } else {
            MDC.setContextMap(previous);
          }
        }
      }, options.executor().orElseGet(Scheduling::pool));
    } catch (RejectedExecutionException e) {
      if (transactionId != null) {
        registry.unqueue(transactionId, token);
      }
      throw e;
    }
  }
}
