package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;

/** A step that returns a {@link StepResponse}. Not API. */
@FunctionalInterface
public interface StepBody<O, C> {
  StepResponse<O, C> invoke(StepContext context) throws Exception;
}
