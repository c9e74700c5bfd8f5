package io.stepwise.runtime;

/** The phase of a step in which an error happened. */
public enum StepPhase {
  /** While the step ran (or while its {@code @When} condition was evaluated). */
  INVOKE,
  /** While the step's compensation ran. */
  COMPENSATE
}
