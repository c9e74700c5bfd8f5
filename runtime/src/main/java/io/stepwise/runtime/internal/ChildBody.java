package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** A step that runs a child workflow through the child's runner. Not API. */
@FunctionalInterface
public interface ChildBody<R> {
  ChildRun<R> invoke(StepContext context) throws Exception;
}
