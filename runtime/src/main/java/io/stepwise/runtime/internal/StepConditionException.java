package io.stepwise.runtime.internal;

/** The {@code @When} condition of a step threw. Not API. */
public final class StepConditionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StepConditionException(String step, Throwable cause) {
    super("the @When condition of step '" + step + "' threw " + cause, cause);
  }
}
