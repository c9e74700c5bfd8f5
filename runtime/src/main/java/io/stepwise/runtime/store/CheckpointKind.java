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
  REVERT_BEGUN(false, false);

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
