package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** The compensation of a step, called with the step's compensation input. Not API. */
@FunctionalInterface
public interface Compensation<C> {
  void compensate(C compensationInput, StepContext context) throws Exception;
}
