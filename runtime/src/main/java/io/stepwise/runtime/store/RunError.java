package io.stepwise.runtime.store;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import java.util.Objects;

/**
 * A {@link StepError} as a store keeps it.
 *
 * @param step the step's name
 * @param phase whether the step or its compensation failed
 * @param attempts how many times it was tried (0: never started)
 * @param error the exception of the last attempt
 */
public record RunError(String step, StepPhase phase, int attempts, StoredError error) {
  public RunError {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(error, "error");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
  }

  /** The stored form of {@code error}. */
  public static RunError of(StepError error) {
    return new RunError(error.step(), error.phase(), error.attempts(), StoredError.of(error.cause()));
  }

  /** A {@link StepError} whose cause is a {@link RestoredException} standing in for the original. */
  public StepError toStepError() {
    return new StepError(step, phase, error.toException(), attempts);
  }
}
