package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** A step that returns {@code void}. Not API. */
@FunctionalInterface
public interface VoidBody {
  void invoke(StepContext context) throws Exception;
}
