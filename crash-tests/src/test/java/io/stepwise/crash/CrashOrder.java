package io.stepwise.crash;

import io.stepwise.runtime.WorkflowStatus;

/**
 * The input of the crash tests' workflows. Everything a run does on purpose follows from its number,
 * so that the end a run must reach is known from its input alone: every fifth run fails at its last
 * step and ends {@code REVERTED} (half of them handing the failed step's partial work to its own
 * compensation), every third run sends a gift (a {@code @When} step), the others skip it.
 */
public record CrashOrder(int number) {
  /** The end the run must reach, however often its process is killed. */
  public WorkflowStatus expectedStatus() {
    return fails() ? WorkflowStatus.REVERTED : WorkflowStatus.DONE;
  }

  /** Whether the last step, "confirm", fails (it has no retries), so that the run compensates. */
  public boolean fails() {
    return number % 5 == 0;
  }

  /**
   * Whether "confirm" fails with {@code StepResponse.permanentFailure(message, compensationInput)},
   * so that its own compensation runs first; else it throws.
   */
  public boolean failureCompensates() {
    return number % 10 == 5;
  }

  /** The decision of the {@code @When} condition of the step "gift". */
  public boolean wantsGift() {
    return number % 3 == 0;
  }
}
