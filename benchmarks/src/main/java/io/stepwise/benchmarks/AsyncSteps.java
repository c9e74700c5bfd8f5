package io.stepwise.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The work of {@link Steps}, behind asynchronous APIs as a step would call them, shared by
 * {@link AsyncSagaWorkflow} and {@link HandWrittenAsyncSaga} so that both make exactly the same
 * calls. Without a {@code remote} executor, each call returns an already completed future (a cache
 * hit, a client that answered from memory); with one, each call's future is completed on a thread of
 * that executor ({@code supplyAsync}/{@code runAsync}), as a remote call's is on its client's thread.
 *
 * <p>{@code shipped} is a side effect that keeps the JIT from dropping the work; it is written by one
 * call at a time (each run waits for its last step before the next run starts).
 */
public final class AsyncSteps {
  private final Executor remote;
  long shipped;

  /** @param remote where the futures complete, or {@code null} for futures that are already complete */
  AsyncSteps(Executor remote) {
    this.remote = remote;
  }

  CompletableFuture<Long> reserve(Order order) {
    return remote == null
        ? CompletableFuture.completedFuture(Steps.reserve(order))
        : CompletableFuture.supplyAsync(() -> Steps.reserve(order), remote);
  }

  CompletableFuture<Long> charge(long reservation) {
    return remote == null
        ? CompletableFuture.completedFuture(Steps.charge(reservation))
        : CompletableFuture.supplyAsync(() -> Steps.charge(reservation), remote);
  }

  /** Completes exceptionally when the order says so (on the remote thread, or at once without one). */
  CompletableFuture<Void> ship(long charged, Order order) {
    if (remote == null) {
      try {
        shipped += Steps.ship(charged, order);
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.runAsync(() -> shipped += Steps.ship(charged, order), remote);
  }
}
