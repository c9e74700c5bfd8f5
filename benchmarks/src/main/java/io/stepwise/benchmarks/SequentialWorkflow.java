package io.stepwise.benchmarks;

import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;

/**
 * {@link ParallelWorkflow} without {@code @Parallel}: the same three steps, one after the other on
 * the caller's thread. Against {@link ParallelWorkflow}, it isolates what the group's thread
 * hand-off costs.
 */
@Workflow("bench-sequential")
public class SequentialWorkflow {
  @Step("price")
  long price(@Input Order order) {
    return Steps.price(order);
  }

  @Step("stock")
  long stock(@Input Order order) {
    return Steps.stock(order);
  }

  @Step("total")
  long total(@From("price") long price, @From("stock") long stock) {
    return price + stock;
  }
}
