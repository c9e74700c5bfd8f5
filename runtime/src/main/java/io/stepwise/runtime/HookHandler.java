package io.stepwise.runtime;

/**
 * The application's handler of a workflow's {@code @Hook}, registered on the generated runner. It
 * runs at the hook's place among the steps; if it throws, the run fails there like a step.
 *
 * @param <T> the hook's input, checked by the compiler against the {@code @Hook} method's return type
 */
@FunctionalInterface
public interface HookHandler<T> {
  void handle(T input, StepContext context) throws Exception;
}
