package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletionStage;

/** A step that returns a {@code CompletionStage} of a {@link StepResponse}. Not API. */
@FunctionalInterface
public interface AsyncStepBody<O, C> {
  CompletionStage<? extends StepResponse<O, C>> invoke(StepContext context) throws Exception;
}
