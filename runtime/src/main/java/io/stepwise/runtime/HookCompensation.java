package io.stepwise.runtime;

/**
 * Undoes what a {@link HookHandler} did, when a later step of the run fails. It receives the same
 * input as the handler.
 */
@FunctionalInterface
public interface HookCompensation<T> {
  void compensate(T input, StepContext context) throws Exception;
}
