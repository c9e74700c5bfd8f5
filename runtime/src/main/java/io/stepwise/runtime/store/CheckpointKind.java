package io.stepwise.runtime.store;

/**
 * What a {@link Checkpoint} records. Which of its parts a checkpoint has depends on its kind: see
 * each constant.
 */
public enum CheckpointKind {
  /**
   * A step (or a hook's call, or a child workflow) completed: it has the step's output and its
   * compensation input. A recorded step is not invoked again: its output flows on.
   */
  STEP_COMPLETED(false, true),
  /**
   * A step failed (after its retries) and the run goes on, because the step continues or skips on a
   * permanent failure: it has the error, and the compensation input if the step handed one with
   * {@code StepResponse.permanentFailure(message, compensationInput)}.
   */
  STEP_TOLERATED(true, true),
  /**
   * An attempt of a step failed, and the step will be tried again after its retry pause: it has the
   * error, and the number of the attempt. A run resumed before the step's outcome goes on with the
   * next attempt (after what is left of the pause), not with the first.
   */
  ATTEMPT_FAILED(true, false),
  /** A step was not invoked because its {@code @When} condition returned false. No data. */
  STEP_SKIPPED(false, false),
  /**
   * A step's {@code @When} condition returned true, so the step runs (recorded so that a run resumed
   * before the step's own checkpoint does not decide again). No data.
   */
  CONDITION_MET(false, false),
  /**
   * A step failed (after its retries, or was cancelled, or timed out) and halted the run, which now
   * compensates ({@link RunStatus#COMPENSATING}): it has the error, and the compensation input if the
   * step handed one, with which the failed step itself is compensated first.
   */
  STEP_FAILED(true, true),
  /** A step's compensation completed; it is not run again. No data. */
  COMPENSATED(false, false),
  /**
   * A step's compensation failed after its retries: it has the error. The compensation is not run
   * again; the run goes on with the remaining ones and ends {@link RunStatus#FAILED}.
   */
  COMPENSATION_FAILED(true, false),
  /**
   * A run that had ended {@link RunStatus#DONE} is reverted on request ({@link RunStore#beginRevert}):
   * its status went back to {@link RunStatus#COMPENSATING} and its end was cleared, and its
   * completed steps are now compensated in reverse order of completion, each with its recorded
   * compensation input, as if a step after the last had failed. Recorded at the last step's
   * position. No data.
   */
  REVERT_BEGUN(false, false),
  /**
   * An attempt of a step with {@code @Step(autoRetry = false)} failed, and the step waits for the
   * application to retry it or fail it: it has the error, and the number of the attempt. The run's
   * status becomes {@link RunStatus#WAITING}: no process holds it until {@link RunStore#endWait}
   * records the decision ({@link #RETRY_DECIDED} or {@link #FAILURE_DECIDED}).
   */
  STEP_WAITING(true, false),
  /**
   * The application retried a waiting step ({@code retryXxx}): the run resumes with the step's next
   * attempt, at once. It has the number of the attempt that failed. Recorded by {@link
   * RunStore#endWait}.
   */
  RETRY_DECIDED(false, false),
  /**
   * A waiting step fails for good, with the error it has: the application failed it ({@code
   * failXxx}, a {@code ManualStepFailureException}), the run was cancelled, or its deadline passed.
   * The run resumes and the step's failure is settled as any other (the run compensates, or goes on
   * if the step tolerates it). It has the number of the attempt that failed. Recorded by {@link
   * RunStore#endWait}.
   */
  FAILURE_DECIDED(true, false);

  private final boolean hasError;
  private final boolean mayHaveCompensationInput;

  CheckpointKind(boolean hasError, boolean mayHaveCompensationInput) {
    this.hasError = hasError;
    this.mayHaveCompensationInput = mayHaveCompensationInput;
  }

  /** Whether a checkpoint of this kind has an error (it must). */
  public boolean hasError() {
    return hasError;
  }

  /**
   * Whether a checkpoint of this kind tells of a step's attempts rather than its outcome: a failed
   * attempt ({@link #ATTEMPT_FAILED}), a wait for the application ({@link #STEP_WAITING}), or the
   * application's decision that ends it. The step's outcome, if it has one, comes after them.
   */
  public boolean isAttempt() {
    return this == ATTEMPT_FAILED || this == STEP_WAITING || this == RETRY_DECIDED || this == FAILURE_DECIDED;
  }

  /** Whether a checkpoint of this kind has an output (it always does). */
  public boolean hasOutput() {
    return this == STEP_COMPLETED;
  }

  /**
   * Whether a checkpoint of this kind may have a compensation input: always for {@link
   * #STEP_COMPLETED}, optionally for {@link #STEP_TOLERATED} and {@link #STEP_FAILED}.
   */
  public boolean mayHaveCompensationInput() {
    return mayHaveCompensationInput;
  }
}
