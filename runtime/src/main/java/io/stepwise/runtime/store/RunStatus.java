package io.stepwise.runtime.store;

import io.stepwise.runtime.WorkflowStatus;

/** Where a recorded run stands: still going ({@link #isEnded()} false) or how it ended. */
public enum RunStatus {
  /** The run is executing its steps. */
  RUNNING,
  /**
   * A step failed ({@link CheckpointKind#STEP_FAILED} was recorded) and the run is undoing the
   * completed steps.
   */
  COMPENSATING,
  /** Ended: every step that was not skipped completed ({@link WorkflowStatus#DONE}). */
  DONE,
  /** Ended: a step failed and every compensation succeeded ({@link WorkflowStatus#REVERTED}). */
  REVERTED,
  /** Ended: a step failed and a compensation failed too ({@link WorkflowStatus#FAILED}). */
  FAILED;

  /** Whether the run has ended: {@link #DONE}, {@link #REVERTED} or {@link #FAILED}. */
  public boolean isEnded() {
    return this != RUNNING && this != COMPENSATING;
  }

  /** The status of a run that ended with {@code status}. */
  public static RunStatus of(WorkflowStatus status) {
    return switch (status) {
      case DONE -> DONE;
      case REVERTED -> REVERTED;
      case FAILED -> FAILED;
    };
  }

  /**
   * The {@link WorkflowStatus} of an ended run.
   *
   * @throws IllegalStateException if the run has not ended
   */
  public WorkflowStatus toWorkflowStatus() {
    return switch (this) {
      case DONE -> WorkflowStatus.DONE;
      case REVERTED -> WorkflowStatus.REVERTED;
      case FAILED -> WorkflowStatus.FAILED;
      case RUNNING, COMPENSATING -> throw new IllegalStateException(
          "a run that is " + this + " has not ended, so it has no WorkflowStatus");
    };
  }
}
