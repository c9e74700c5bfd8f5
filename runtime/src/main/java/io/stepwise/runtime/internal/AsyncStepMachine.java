package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StepMachine} of a step that returns a {@code CompletionStage}: each attempt calls it,
 * and the driver waits for its stage, bounded by a timer. Not API.
 */
final class AsyncStepMachine<O, C> extends StepMachine<O, C> {
  private static final Logger log = LoggerFactory.getLogger(AsyncStepMachine.class);

  private final AsyncStepBody<O, C> body;

  AsyncStepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition, AsyncStepBody<O, C> body) {
    super(run, step, when, stopsBeforeCondition);
    this.body = body;
  }

  @Override
  CompletableFuture<StepResponse<O, C>> call(Attempt context) {
    long started = System.nanoTime();
    CompletionStage<? extends StepResponse<O, C>> stage;
    try {
      stage = body.invoke(context);
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
      return null;
    }
    if (stage == null) {
      error = new IllegalStateException("step '" + step.name() + "' returned null instead of a CompletionStage; "
          + "return CompletableFuture.completedFuture(output) when the output is at hand");
      retryable = false;
      return null;
    }
    return await(context, stage, started);
  }

  /**
   * The step's stage, bounded by its timeout (the step's, or what is left of the workflow's). When
   * the time is up, the run stops waiting and the attempt fails; the stage is left alone (it may be
   * shared, so it is not cancelled) and what it later completes with is discarded. The attempt is
   * marked abandoned, so that a child workflow it started stops before its next step and compensates
   * itself instead of running on unseen (see {@link Execution#isCancelled()}).
   */
  private CompletableFuture<StepResponse<O, C>> await(Attempt context, CompletionStage<? extends StepResponse<O, C>> stage,
      long started) {
    CompletableFuture<StepResponse<O, C>> awaited = new CompletableFuture<>();
    long limit = run.deadline().attemptTimeoutNanos(step);
    ScheduledFuture<?> alarm = null;
    if (limit != Long.MAX_VALUE) {
      boolean workflowLimited = Deadline.isWorkflowLimit(step, limit);
      // the attempt's time counts from before the step was called: what it did before returning its stage too
      long left = limit - (System.nanoTime() - started);
      if (left <= 0) {
        context.abandon();
        awaited.completeExceptionally(Deadline.timedOut(context, workflowLimited));
      } else {
        alarm = Scheduling.timer().schedule(() -> {
          context.abandon();
          awaited.completeExceptionally(Deadline.timedOut(context, workflowLimited));
        }, left, TimeUnit.NANOSECONDS);
      }
    }
    ScheduledFuture<?> timer = alarm;
    stage.whenComplete((value, failure) -> {
      if (timer != null) {
        timer.cancel(false);
      }
      boolean taken = failure == null ? awaited.complete(value) : awaited.completeExceptionally(failure);
      if (!taken && failure == null) {
        discardLate(context, value);
      }
    });
    return awaited;
  }

  /**
   * A stage completed after its attempt timed out: the run has gone on without its result. A child
   * workflow's completed steps are compensated as a unit, since nothing else will ever undo them;
   * any other step's late result is discarded, with a warning.
   */
  private void discardLate(Attempt context, Object value) {
    if (value instanceof StepResponse<?, ?> late && late.compensationInput() instanceof ChildRun<?> child) {
      log.warn("Workflow '{}' ({}) child workflow of step '{}' completed after the step's timeout on attempt {};"
          + " compensating its steps", run.spec().name(), run.transactionId(), step.name(), context.attempt());
      Compensator.compensateUnit(child.run(), Driver.TIMERS).whenComplete((failure, never) -> {
        if (failure != null) {
          log.error("Workflow '{}' ({}) compensation of the late child workflow of step '{}' failed; its work is not"
              + " undone", run.spec().name(), run.transactionId(), step.name(), failure);
        }
      });
      return;
    }
    log.warn("Workflow '{}' ({}) step '{}' completed after its timeout on attempt {}; its result is discarded",
        run.spec().name(), run.transactionId(), step.name(), context.attempt());
  }
}
