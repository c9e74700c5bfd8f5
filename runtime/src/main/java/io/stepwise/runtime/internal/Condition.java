package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** The {@code @When} condition of a step. Not API. */
@FunctionalInterface
public interface Condition {
  /** For steps that may lack an output for another reason than a condition (a tolerated failure). */
  Condition ALWAYS = context -> true;

  boolean test(StepContext context) throws Exception;
}
