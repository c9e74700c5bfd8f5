package io.stepwise.runtime;

/**
 * What a step, compensation or {@code @When} method may know about the run it is part of. Declare a
 * parameter of this type (no annotation needed) to receive it.
 */
public interface StepContext {
  /** The run's transaction id. */
  String transactionId();

  /** The workflow's name, as in {@code @Workflow("...")}. */
  String workflowName();

  /** The step's name, as in {@code @Step("...")}. */
  String stepName();

  /** Which attempt this is: 1 on the first try, 2 on the first retry, and so on. */
  int attempt();

  /** Whether this is a compensation rather than the step itself. */
  boolean compensating();

  /** The container the runner was created with ({@link Container#empty()} if none). */
  Container container();
}
