package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletionStage;

/** A step that returns a {@code CompletionStage<Void>}: it has no output. Not API. */
@FunctionalInterface
public interface AsyncVoidBody {
  CompletionStage<?> invoke(StepContext context) throws Exception;
}
