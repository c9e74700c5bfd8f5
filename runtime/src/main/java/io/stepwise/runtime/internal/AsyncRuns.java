package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.MDC;

/** Runs a workflow on the run's executor for a runner's {@code runAsync}. Not API. */
public final class AsyncRuns {
  private AsyncRuns() {}

  /**
   * The run on {@code options.executor()}, or Stepwise's default pool (see {@link #forRun}). A
   * {@code WorkflowFailedException} completes the future exceptionally (wrapped in a
   * {@code CompletionException} for {@code join}).
   */
  public static <T> CompletableFuture<T> supply(RunOptions options, RunRegistry registry, Supplier<T> run) {
    if (options == null) {
      throw new NullPointerException("RunOptions must not be null; use RunOptions.defaults()");
    }
    return CompletableFuture.supplyAsync(run, forRun(options, registry));
  }

  /**
   * The executor of one run that a runner's {@code runAsync} hands over: {@link RunOptions#executor()},
   * or Stepwise's pool. Its task runs with the caller's MDC (a request id, say), and until it starts,
   * a cancel of the run's transaction id (if one is given) is kept for it. It throws {@code
   * RejectedExecutionException} as the executor does, and then keeps nothing.
   */
  static Executor forRun(RunOptions options, RunRegistry registry) {
    Executor executor = options.executor().orElseGet(Scheduling::pool);
    Map<String, String> callerMdc = MDC.getCopyOfContextMap();
    String transactionId = registry == null ? null : options.transactionId().orElse(null);
    return task -> {
      Object token = transactionId == null ? null : registry.queue(transactionId);
      Runnable forget = () -> {
        if (transactionId != null) {
          registry.unqueue(transactionId, token); // if the run failed before it started, or never did
        }
      };
      try {
        executor.execute(() -> {
          try {
            Mdc.with(callerMdc, task);
          } finally {
            forget.run();
          }
        });
      } catch (RejectedExecutionException e) {
        forget.run();
        throw e;
      }
    };
  }
}
