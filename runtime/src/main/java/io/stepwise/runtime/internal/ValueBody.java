package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** A step with a plain return type: the output is also the compensation input. Not API. */
@FunctionalInterface
public interface ValueBody<O> {
  O invoke(StepContext context) throws Exception;
}
