package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** The {@code @When} condition of a step. Not API. */
@FunctionalInterface
public interface Condition {
  boolean test(StepContext context) throws Exception;
}
