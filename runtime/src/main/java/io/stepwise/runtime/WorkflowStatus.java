package io.stepwise.runtime;

/** How a workflow run ended. */
public enum WorkflowStatus {
  /** Every step that was not skipped completed. */
  DONE,
  /** A step failed and every completed step's compensation succeeded. */
  REVERTED,
  /** A step failed and at least one compensation failed too: some work may not be undone. */
  FAILED
}
