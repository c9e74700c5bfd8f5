package io.stepwise.it.matrix;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowResult;
import java.util.List;

/** A run's errors as lines that an assertion compares whole: step, phase, attempts, cause and its message. */
final class Outcomes {
  private Outcomes() {}

  /** {@code step PHASE attempts Cause: message}, one per error, in order. */
  static List<String> errors(WorkflowResult<?> result) {
    return result.errors().stream().map(Outcomes::line).toList();
  }

  static String line(StepError error) {
    return error.step() + " " + error.phase() + " " + error.attempts() + " "
        + error.cause().getClass().getSimpleName() + ": " + error.cause().getMessage();
  }
}
