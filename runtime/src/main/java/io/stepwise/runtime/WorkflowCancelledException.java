package io.stepwise.runtime;

/**
 * The run was cancelled with the runner's {@code cancel(transactionId)}: the step in progress was
 * allowed to finish, no further step (nor retry) was started, and the completed steps were
 * compensated.
 *
 * <p>A cancelled run has it in {@link WorkflowResult#errors()}, for the step at which the run
 * stopped, and as the cause of {@link WorkflowFailedException}: the step that was not started (0
 * attempts), or the step that failed while the cancel was pending (during an attempt, a retry pause,
 * or a pending asynchronous attempt that then timed out), with its real number of attempts; the last
 * attempt's own exception is then this exception's {@linkplain #getSuppressed() suppressed} one.
 */
public class WorkflowCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkflowCancelledException(String message) {
    super(message);
  }
}
