package io.stepwise.runtime;

import java.util.Objects;

/**
 * An error recorded by a workflow run: which step, in which phase, after how many attempts, and the
 * exception of the last attempt.
 */
public final class StepError {
  private final String step;
  private final StepPhase phase;
  private final Throwable cause;
  private final int attempts;

  public StepError(String step, StepPhase phase, Throwable cause, int attempts) {
    this.step = Objects.requireNonNull(step, "step");
    this.phase = Objects.requireNonNull(phase, "phase");
    this.cause = Objects.requireNonNull(cause, "cause");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    this.attempts = attempts;
  }

  /** The name of the step, as in {@code @Step("...")}. */
  public String step() {
    return step;
  }

  public StepPhase phase() {
    return phase;
  }

  /**
   * The exception of the last attempt; for the step at which a run was cancelled, the {@link
   * WorkflowCancelledException}, which has the last attempt's exception (if any) as its suppressed one.
   */
  public Throwable cause() {
    return cause;
  }

  /**
   * How many times the step (or its compensation) was tried: 0 when it was never started, because
   * the run was cancelled or timed out before it.
   */
  public int attempts() {
    return attempts;
  }

  @Override
  public String toString() {
    return "StepError{step=" + step + ", phase=" + phase + ", attempts=" + attempts + ", cause=" + cause + "}";
  }
}
