package io.stepwise.runtime;

/**
 * A step failure that is not retried. The runtime records it as the cause of a step that returned
 * {@link StepResponse#permanentFailure(String)}; a step may also throw it directly, for example
 * from a step with a plain return type.
 */
public class PermanentStepFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermanentStepFailureException(String message) {
    super(message);
  }

  public PermanentStepFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
