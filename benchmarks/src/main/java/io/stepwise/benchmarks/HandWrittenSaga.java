package io.stepwise.benchmarks;

import java.util.ArrayDeque;

/**
 * The baseline: the same 3 steps as {@link SagaWorkflow}, as someone would write the saga without a
 * library: plain calls, a stack of compensations, and a try/catch that runs them in reverse order
 * (each guarded, so that one failed compensation does not stop the others). No transaction id, no
 * MDC, no listeners, no retries, no result object beyond a small record.
 *
 * <p>The fields are side effects that keep the JIT from dropping the work (one thread per instance).
 */
final class HandWrittenSaga {
  long released;
  long refunded;
  long shipped;

  /** What a run returns: the charged amount, or the error after the compensations ran. */
  record Outcome(long charged, RuntimeException error) {}

  Outcome run(Order order) {
    ArrayDeque<Runnable> compensations = new ArrayDeque<>();
    try {
      long reservation = Steps.reserve(order);
      long amount = order.amount();
      compensations.push(() -> released += amount);

      long charged = Steps.charge(reservation);
      compensations.push(() -> refunded += charged);

      shipped += Steps.ship(charged, order);
      return new Outcome(charged, null);
    } catch (RuntimeException e) {
      for (Runnable compensation : compensations) { // push() adds first: most recent first
        try {
          compensation.run();
        } catch (RuntimeException failed) {
          e.addSuppressed(failed);
        }
      }
      return new Outcome(0, e);
    }
  }
}
