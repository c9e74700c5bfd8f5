package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.StepContext;

/**
 * The {@link StepContext} of one attempt of a step, of its condition, or of its compensation: what
 * the user's code sees, and what a child workflow started in the attempt hangs on. Not API.
 */
final class Attempt implements StepContext {
  final Execution run;
  final StepSpec step;
  private final int number;
  private final boolean compensating;
  /** Whether the run stopped waiting for this attempt (it timed out); a child run it started then stops. */
  private volatile boolean abandoned;

  Attempt(Execution run, StepSpec step, int number, boolean compensating) {
    this.run = run;
    this.step = step;
    this.number = number;
    this.compensating = compensating;
  }

  /**
   * The run no longer waits for this attempt: a child workflow it started stops before its next step,
   * or at once if a step of it waits for a manual retry.
   */
  void abandon() {
    abandoned = true;
    run.abandoned(this);
  }

  boolean isAbandoned() {
    return abandoned;
  }

  @Override
  public String transactionId() {
    return run.transactionId();
  }

  @Override
  public String workflowName() {
    return run.spec().name();
  }

  @Override
  public String stepName() {
    return step.name();
  }

  @Override
  public int attempt() {
    return number;
  }

  @Override
  public boolean compensating() {
    return compensating;
  }

  @Override
  public Container container() {
    return run.container();
  }

  @Override
  public String toString() {
    return "StepContext{workflow=" + workflowName() + ", transactionId=" + transactionId() + ", step="
        + step.name() + ", attempt=" + number + (compensating ? ", compensating" : "") + "}";
  }
}
