package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import java.util.concurrent.CompletableFuture;

/**
 * How an engine resumes a run of a registered workflow: the runner's {@code runAsync}, which the
 * engine calls with the recorded input and the run's transaction id. Generated code passes {@code
 * this::runAsync}. Not API.
 */
@FunctionalInterface
public interface Resumer<I, R> {
  CompletableFuture<WorkflowResult<R>> resume(I input, RunOptions options);
}
