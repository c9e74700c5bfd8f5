package io.stepwise.benchmarks;

import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;

/**
 * Two trivial steps in a {@code @Parallel} group, then a step that adds their outputs. They run on
 * the runtime's default executor (a shared pool of daemon threads).
 */
@Workflow("bench-parallel")
public class ParallelWorkflow {
  @Step("price")
  @Parallel("quote")
  long price(@Input Order order) {
    return Steps.price(order);
  }

  @Step("stock")
  @Parallel("quote")
  long stock(@Input Order order) {
    return Steps.stock(order);
  }

  @Step("total")
  long total(@From("price") long price, @From("stock") long stock) {
    return price + stock;
  }
}
