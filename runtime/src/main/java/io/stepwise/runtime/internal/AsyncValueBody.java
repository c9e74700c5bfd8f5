package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletionStage;

/** A step that returns a {@code CompletionStage} of a plain output, also its compensation input. Not API. */
@FunctionalInterface
public interface AsyncValueBody<O> {
  CompletionStage<? extends O> invoke(StepContext context) throws Exception;
}
