package io.stepwise.runtime;

/**
 * Compensating a child workflow (a step with {@code @ChildWorkflow}) failed for some of its steps:
 * their exceptions are attached as suppressed exceptions. The failed compensations are tried again
 * if the parent step has retries.
 */
public class ChildCompensationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChildCompensationException(String message) {
    super(message);
  }
}
