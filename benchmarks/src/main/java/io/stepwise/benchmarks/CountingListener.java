package io.stepwise.benchmarks;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;

/**
 * A listener as cheap as a metrics counter: it counts the events it hears. Used only by sequential
 * workflows on one thread, so a plain field is enough (a listener of {@code @Parallel} steps must be
 * thread-safe).
 */
final class CountingListener implements WorkflowListener {
  long events;

  @Override public void onBegin(WorkflowEvent run) { events++; }
  @Override public void onStepBegin(StepContext step) { events++; }
  @Override public void onStepSuccess(StepContext step, Object output) { events++; }
  @Override public void onStepFailure(StepContext step, Throwable error) { events++; }
  @Override public void onCompensateBegin(WorkflowEvent run) { events++; }
  @Override public void onCompensateStepSuccess(StepContext step) { events++; }
  @Override public void onFinish(WorkflowResult<?> result) { events++; }
}
