package io.stepwise.example;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.StepContext;

/** A {@link StepContext} for calling a step or compensation method directly in a test. */
record TestStepContext(String transactionId, String stepName, boolean compensating) implements StepContext {

  @Override
  public String workflowName() {
    return "create-restock-order";
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public Container container() {
    return Container.empty();
  }
}
