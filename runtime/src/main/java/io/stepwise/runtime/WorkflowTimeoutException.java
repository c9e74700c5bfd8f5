package io.stepwise.runtime;

/**
 * The run went past its {@code @Workflow(timeout)}: the step running at the deadline was
 * interrupted (or the next step was not started), and the completed steps were compensated.
 * Compensations themselves are not bounded by the workflow's timeout. Not retried.
 */
public class WorkflowTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkflowTimeoutException(String message) {
    super(message);
  }
}
