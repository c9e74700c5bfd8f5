package io.stepwise.runtime;

/**
 * The cause of a step declared {@code @Step(autoRetry = false)} that the application failed for good
 * while its run waited at it: the generated runner's {@code failXxx(transactionId)}. The attempt's own
 * failure, the one the run waited after, is its cause. The run then goes on as after any permanent
 * failure of the step: it compensates, or continues or skips as the step's failure options say.
 */
public class ManualStepFailureException extends PermanentStepFailureException {
  private static final long serialVersionUID = 1L;

  public ManualStepFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
