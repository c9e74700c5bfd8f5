package io.stepwise.runtime;

/**
 * An attempt of a step ran longer than its {@code @Step(timeout)}. The step's thread was
 * interrupted and whatever it returned later was discarded. Like any failure, it is retried while
 * the step has retries left.
 */
public class StepTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StepTimeoutException(String message) {
    super(message);
  }
}
