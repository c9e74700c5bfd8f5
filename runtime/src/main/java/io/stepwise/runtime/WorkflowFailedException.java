package io.stepwise.runtime;

/**
 * Thrown by a runner's {@code run} when the run did not end {@link WorkflowStatus#DONE} (unless
 * {@link RunOptions#throwOnError()} is false). Its cause is the failing step's exception (a {@link
 * WorkflowCancelledException} for a cancelled run); failed compensations are attached as suppressed
 * exceptions and listed in {@link #result()}.
 */
public final class WorkflowFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient WorkflowResult<?> result;

  public WorkflowFailedException(String message, WorkflowResult<?> result, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  /** The result of the failed run: its status, transaction id and errors. */
  public WorkflowResult<?> result() {
    return result;
  }
}
