package io.stepwise.runtime;

/**
 * A durable run stopped because a step waits for the application to retry it or fail it ({@code
 * @Step(autoRetry = false)}, after a failed attempt), and its store records the wait: the run is
 * recorded {@code WAITING}, and no process or thread holds it. The runner's {@code retryXxx(transactionId)}
 * or {@code failXxx(transactionId)} (from this process or any other that shares the store), a
 * {@code cancel(transactionId)}, or the run's deadline ends the wait; the process that ends it
 * resumes the run. Calling {@code run} again with the same transaction id, before that, throws this
 * exception again and executes nothing.
 *
 * <p>A {@link WorkflowSuspendedException}: nothing was compensated.
 */
public class WorkflowWaitingException extends WorkflowSuspendedException {
  private static final long serialVersionUID = 1L;

  private final String stepName;
  private final int attempt;

  public WorkflowWaitingException(String message, String transactionId, String stepName, int attempt,
      Throwable cause) {
    super(message, transactionId, cause);
    this.stepName = stepName;
    this.attempt = attempt;
  }

  /** The name of the step that waits, as in {@code @Step("...")}. */
  public String stepName() {
    return stepName;
  }

  /** The number of the attempt that failed, after which the step waits (1 for the first). */
  public int attempt() {
    return attempt;
  }
}
