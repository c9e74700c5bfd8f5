package io.stepwise.benchmarks;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The baseline of {@link AsyncBenchmark}: the 3 steps of {@link AsyncSagaWorkflow}, through the same
 * {@link AsyncSteps} calls, as someone would chain them by hand without a library: a
 * {@code CompletableFuture} chain, an {@code ArrayDeque} of compensations pushed as the steps
 * complete, and a handler that runs them in reverse order when a step fails. No transaction id, MDC,
 * listeners, retries or timeouts.
 *
 * <ul>
 *   <li>{@link #run(Order)}: {@code thenCompose}: each continuation runs where the step's future
 *       completes: at once on the calling thread if it already has, else on the thread that
 *       completed it (the remote client's). The fewest hand-offs.
 *   <li>{@link #run(Order, Executor)}: {@code thenComposeAsync}/{@code handleAsync} on
 *       {@code executor}: after each step the saga goes on on its own executor, never on the thread
 *       that completed the step's future (an HTTP client's, say), as the generated runner does.
 * </ul>
 *
 * <p>The fields are side effects that keep the JIT from dropping the work; a run's continuations
 * follow each other (each starts when the one before it completed), and runs follow each other.
 */
final class HandWrittenAsyncSaga {
  private final AsyncSteps steps;
  long released;
  long refunded;

  /** What a run completes with: the charged amount, or the error after the compensations ran. */
  record Outcome(long charged, Throwable error) {}

  HandWrittenAsyncSaga(AsyncSteps steps) {
    this.steps = steps;
  }

  /** Continuations where each future completes (inline if it already has). */
  CompletableFuture<Outcome> run(Order order) {
    ArrayDeque<Runnable> compensations = new ArrayDeque<>();
    long amount = order.amount();
    return steps.reserve(order).thenCompose(reservation -> {
      compensations.push(() -> released += amount);
      return steps.charge(reservation);
    }).thenCompose(charged -> {
      compensations.push(() -> refunded += charged);
      return steps.ship(charged, order).thenApply(shipped -> charged);
    }).handle((charged, error) -> outcome(charged, error, compensations));
  }

  /** Each continuation on {@code executor}, whichever thread completed the step's future. */
  CompletableFuture<Outcome> run(Order order, Executor executor) {
    ArrayDeque<Runnable> compensations = new ArrayDeque<>();
    long amount = order.amount();
    return steps.reserve(order).thenComposeAsync(reservation -> {
      compensations.push(() -> released += amount);
      return steps.charge(reservation);
    }, executor).thenComposeAsync(charged -> {
      compensations.push(() -> refunded += charged);
      return steps.ship(charged, order).thenApply(shipped -> charged);
    }, executor).handleAsync((charged, error) -> outcome(charged, error, compensations), executor);
  }

  private static Outcome outcome(Long charged, Throwable error, ArrayDeque<Runnable> compensations) {
    if (error == null) {
      return new Outcome(charged, null);
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    for (Runnable compensation : compensations) { // push() adds first: most recent first
      try {
        compensation.run();
      } catch (RuntimeException failed) {
        cause.addSuppressed(failed);
      }
    }
    return new Outcome(0, cause);
  }
}
