package io.stepwise.runtime;

/**
 * A durable run stopped at a checkpoint without ending: its engine is closing, or its store could
 * not record a checkpoint. Nothing was compensated; the run's record says how far it got, and the
 * next {@code WorkflowEngine.start()} on the same store resumes it from there.
 */
public class WorkflowSuspendedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String transactionId;

  public WorkflowSuspendedException(String message, String transactionId, Throwable cause) {
    super(message, cause);
    this.transactionId = transactionId;
  }

  /** The transaction id of the run that stopped. */
  public String transactionId() {
    return transactionId;
  }
}
