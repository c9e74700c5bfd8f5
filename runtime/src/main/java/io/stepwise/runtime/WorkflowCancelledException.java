package io.stepwise.runtime;

/**
 * The run was cancelled with the runner's {@code cancel(transactionId)}: the step in progress was
 * allowed to finish, no further step was started, and the completed steps were compensated.
 */
public class WorkflowCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkflowCancelledException(String message) {
    super(message);
  }
}
