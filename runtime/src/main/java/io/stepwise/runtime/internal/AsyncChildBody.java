package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletionStage;

/** A step that runs a child workflow with asynchronous steps, through the child's runner. Not API. */
@FunctionalInterface
public interface AsyncChildBody<R> {
  CompletionStage<ChildRun<R>> invoke(StepContext context) throws Exception;
}
