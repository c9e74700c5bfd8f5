package io.stepwise.benchmarks;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link SagaWorkflow} with asynchronous steps: each returns a future from {@link AsyncSteps}
 * (already complete, or completed on another thread). The same shapes as the synchronous saga: a
 * {@code StepResponse} step with a compensation, a plain step with a compensation, and a
 * {@code void} step. Its runner, {@code AsyncSagaWorkflowRunner}, is generated with the steps
 * chained on {@code AsyncRun} with {@code thenCompose}.
 *
 * <p>The fields are side effects that keep the JIT from dropping the work; the compensations of one
 * run follow each other, and the benchmarks run one run at a time, so plain fields are enough.
 */
@Workflow(value = "bench-async-saga", result = "charge")
public class AsyncSagaWorkflow {
  private final AsyncSteps steps;
  long released;
  long refunded;

  public AsyncSagaWorkflow(AsyncSteps steps) {
    this.steps = steps;
  }

  @Step("reserve")
  CompletionStage<StepResponse<Long, Long>> reserve(@Input Order order) {
    long amount = order.amount();
    return steps.reserve(order).thenApply(reservation -> new StepResponse<>(reservation, amount));
  }

  @Compensate("reserve")
  void release(long amount) {
    released += amount;
  }

  @Step("charge")
  CompletableFuture<Long> charge(@From("reserve") long reservation) {
    return steps.charge(reservation);
  }

  @Compensate("charge")
  void refund(long charged) {
    refunded += charged;
  }

  @Step("ship")
  CompletionStage<Void> ship(@From("charge") long charged, @Input Order order) {
    return steps.ship(charged, order);
  }
}
