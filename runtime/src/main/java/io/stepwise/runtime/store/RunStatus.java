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
  /**
   * A step waits for the application to retry it or fail it, after a failed attempt ({@code
   * @Step(autoRetry = false)}; {@link CheckpointKind#STEP_WAITING} was recorded). No process holds
   * the run, and {@code WorkflowEngine.start()} does not resume it: the runner's {@code retryXxx} or
   * {@code failXxx}, a cancel, or the run's deadline ends the wait ({@link RunStore#endWait}), from
   * any process that shares the store, and that process resumes the run.
   */
  WAITING,
  /** Ended: every step that was not skipped completed ({@link WorkflowStatus#DONE}). */
  DONE,
  /** Ended: a step failed and every compensation succeeded ({@link WorkflowStatus#REVERTED}). */
  REVERTED,
  /** Ended: a step failed and a compensation failed too ({@link WorkflowStatus#FAILED}). */
  FAILED;

  /** Whether the run has ended: {@link #DONE}, {@link #REVERTED} or {@link #FAILED}. */
  public boolean isEnded() {
    return this == DONE || this == REVERTED || this == FAILED;
  }

  /**
   * Whether a process resumes the run when it starts: {@link #RUNNING} or {@link #COMPENSATING} (a
   * {@link #WAITING} run waits for the application instead).
   */
  public boolean isResumable() {
    return this == RUNNING || this == COMPENSATING;
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
      case RUNNING, COMPENSATING, WAITING -> throw new IllegalStateException(
          "a run that is " + this + " has not ended, so it has no WorkflowStatus");
    };
  }
}
