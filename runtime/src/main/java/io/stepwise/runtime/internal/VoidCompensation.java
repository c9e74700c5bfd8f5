package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;

/** The compensation of a {@code void} step. Not API. */
@FunctionalInterface
public interface VoidCompensation {
  void compensate(StepContext context) throws Exception;
}
