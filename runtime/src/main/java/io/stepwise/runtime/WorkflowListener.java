package io.stepwise.runtime;

import java.time.Duration;

/**
 * Hears what a workflow run does, as it happens: for metrics, audit trails, tracing. Register it
 * with {@link RunOptions.Builder#listener(WorkflowListener)}; every method has a no-op default.
 *
 * <p>Listeners are called on the thread that runs the step: steps of a {@code @Parallel} group call
 * them from several threads at once, so a listener must be thread-safe. The run's MDC is set while
 * a listener is called ({@code stepwise.transactionId}, {@code stepwise.workflow}, and {@code
 * stepwise.step} for the step events of an attempt: begin, attempt failure, success and failure). An
 * exception thrown by a listener is logged and otherwise ignored: it never changes the run.
 */
public interface WorkflowListener {
  /** The run started. */
  default void onBegin(WorkflowEvent run) {}

  /** An attempt of a step is about to run ({@link StepContext#attempt()} tells which). */
  default void onStepBegin(StepContext step) {}

  /** The step completed with {@code output} ({@code null} for a {@code void} step). */
  default void onStepSuccess(StepContext step, Object output) {}

  /**
   * An attempt of the step failed, and the step will be tried again after {@code retryDelay} (zero
   * without a retry interval): {@code step.attempt()} is the attempt that failed, {@code error} its
   * exception. Fired for every failed attempt but the last, which fires {@link #onStepFailure} instead.
   * If the run is cancelled or runs out of time during the pause, no further attempt starts, and
   * {@code onStepFailure} follows for the same attempt. Not fired for compensations.
   */
  default void onStepAttemptFailure(StepContext step, Throwable error, Duration retryDelay) {}

  /**
   * An attempt of a step declared {@code @Step(autoRetry = false)} failed, retries are left, and the
   * run now waits, holding no thread of its own, until the application calls the runner's {@code
   * retryXxx(transactionId)} or {@code failXxx(transactionId)}: {@code step.attempt()} is the attempt
   * that failed, {@code error} its exception. Fired instead of {@link #onStepAttemptFailure}; a
   * durable run that resumes at the wait after a restart fires it again. What follows is {@link
   * #onStepBegin} of the next attempt, or {@link #onStepFailure} (failed, cancelled, timed out).
   */
  default void onStepWaiting(StepContext step, Throwable error) {}

  /**
   * The step failed for good: its last attempt failed and it has no retry left (or the failure is not
   * retried: a permanent failure, a cancelled run, the workflow's timeout); {@code step.attempt()}
   * is the last attempt, {@code error} its exception. Fired once per failed step; the attempts
   * before it fired {@link #onStepAttemptFailure}.
   */
  default void onStepFailure(StepContext step, Throwable error) {}

  /**
   * The step was skipped: its {@code @When} condition was false; or it failed and has {@code
   * skipOnPermanentFailure} (after its {@code onStepFailure}); or an earlier step failed with {@code
   * skipOnPermanentFailure} and the run skips the steps after it (this one was never invoked).
   */
  default void onStepSkipped(StepContext step) {}

  /** A step failed and the completed steps are about to be compensated. */
  default void onCompensateBegin(WorkflowEvent run) {}

  /** A step's compensation succeeded. */
  default void onCompensateStepSuccess(StepContext step) {}

  /** A step's compensation failed for good, after its retries: its work is not undone. */
  default void onCompensateStepFailure(StepContext step, Throwable error) {}

  /** The run ended, with this result. */
  default void onFinish(WorkflowResult<?> result) {}
}
