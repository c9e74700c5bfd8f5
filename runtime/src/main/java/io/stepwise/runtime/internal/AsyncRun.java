package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.internal.WorkflowRun.Branch;
import io.stepwise.runtime.internal.WorkflowRun.Completed;
import io.stepwise.runtime.internal.WorkflowRun.Context;
import io.stepwise.runtime.internal.WorkflowRun.Failed;
import io.stepwise.runtime.internal.WorkflowRun.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a workflow that has asynchronous steps (steps that return a {@code CompletionStage}),
 * driven by a generated runner. Not API.
 *
 * <p>The generated {@code steps} method chains the steps with {@code thenCompose}: each step method
 * here returns a stage of the step's output, which completes once the step is done (with its
 * retries). When a step fails for good, its stage completes exceptionally with {@link
 * WorkflowRun.Halt} once the completed steps are compensated, which skips the rest of the chain.
 *
 * <p>No thread waits for an asynchronous step: when its stage completes, the run goes on in a new
 * segment on the run's executor ({@link RunOptions#executor()}, or Stepwise's pool), never on the
 * thread that completed the stage (an HTTP client's, say). Retry pauses and timeouts are timers, not
 * sleeping threads. Steps that return plain values run where the run is, as in a synchronous run.
 * The segments of a run follow each other (each starts when the one before it handed over), so the
 * run's state needs no locks.
 */
public final class AsyncRun {
  private static final Logger log = LoggerFactory.getLogger(AsyncRun.class);

  /** The {@code steps} method of a generated runner, chained on an {@code AsyncRun}. */
  @FunctionalInterface
  public interface Steps<R> {
    CompletionStage<R> run(AsyncRun run);
  }

  private final WorkflowRun run;

  private AsyncRun(WorkflowRun run) {
    this.run = run;
  }

  // ---------------------------------------------------------------- starting and ending

  /**
   * Starts a run on the calling thread, which runs its steps until the first one that has to wait;
   * the future completes when the run ends. It completes exceptionally with {@link
   * WorkflowFailedException} if the run does not end {@code DONE} and {@code options.throwOnError()}.
   */
  public static <R> CompletableFuture<WorkflowResult<R>> start(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Steps<R> steps) {
    return start(WorkflowRun.create(spec, options, container, registry, true), steps);
  }

  private static <R> CompletableFuture<WorkflowResult<R>> start(WorkflowRun run, Steps<R> steps) {
    CompletableFuture<WorkflowResult<R>> result = new CompletableFuture<>();
    run.onCrash(error -> result.completeExceptionally(run.broken(error)));
    drive(run, steps, (value, cause) -> {
      try {
        if (cause == null) {
          result.complete(run.completeDone(value));
        } else if (cause instanceof WorkflowRun.Halt halt) {
          result.complete(run.halted(halt));
        } else {
          result.completeExceptionally(run.broken(cause));
        }
      } catch (WorkflowFailedException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Begins the run and chains its steps, in its scope; {@code end} gets the result once the steps
   * are over (a run cancelled or abandoned during its last step compensated first), or the cause
   * that ended them: {@link WorkflowRun.Halt} after a failed step's compensations, else a bug.
   */
  private static <R> void drive(WorkflowRun run, Steps<R> steps, BiConsumer<R, Throwable> end) {
    run.inScope(() -> {
      run.begin();
      AsyncRun async = new AsyncRun(run);
      async.chain(steps).thenCompose(async::endOfSteps).whenComplete((value, error) ->
          end.accept(value, error == null ? null : WorkflowRun.unwrap(error)));
    });
  }

  /** Starts a run on its executor, so that the caller never runs a step; see {@link #start}. */
  public static <R> CompletableFuture<WorkflowResult<R>> submit(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Steps<R> steps) {
    if (options == null) {
      throw new NullPointerException("RunOptions of workflow '" + spec.name() + "' must not be null; use RunOptions.defaults()");
    }
    CompletableFuture<WorkflowResult<R>> result = new CompletableFuture<>();
    // throws RejectedExecutionException as CompletableFuture.supplyAsync, and a synchronous
    // workflow's runAsync, do; the run takes the caller's MDC from the thread (WorkflowRun.create)
    AsyncRuns.forRun(options, registry).execute(() ->
        start(WorkflowRun.create(spec, options, container, registry, true), steps).whenComplete((value, error) -> {
          if (error == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(WorkflowRun.unwrap(error));
          }
        }));
    return result;
  }

  /**
   * Waits for a run started with {@link #start}: the synchronous {@code run} of a workflow with
   * asynchronous steps.
   *
   * @throws WorkflowFailedException if the run does not end {@code DONE} and {@code options.throwOnError()}
   */
  public static <R> WorkflowResult<R> join(CompletableFuture<WorkflowResult<R>> run) {
    return joinUnwrapped(run);
  }

  /**
   * Starts a run of a child workflow inside a step of its parent (see {@link
   * WorkflowRun#startChild}): the stage completes with the child's run, or exceptionally with the
   * {@link WorkflowFailedException} that fails the parent's step once the child compensated itself.
   */
  public static <R> CompletableFuture<ChildRun<R>> startChild(
      WorkflowSpec spec, StepContext parent, Container container, Steps<R> steps) {
    WorkflowRun run = WorkflowRun.createChild(spec, parent, container, true);
    CompletableFuture<ChildRun<R>> result = new ChildFuture<>(run);
    run.onCrash(result::completeExceptionally); // the parent's step fails with it
    drive(run, steps, (value, cause) -> {
      if (cause == null) {
        result.complete(run.childRun(value));
      } else {
        result.completeExceptionally(cause instanceof WorkflowRun.Halt halt ? run.childFailed(halt) : run.broken(cause));
      }
    });
    return result;
  }

  /**
   * Waits for a child run, in a step of a parent whose steps are all synchronous. The wait ends when
   * the thread is interrupted (the parent step's timeout interrupts it): the child is then cancelled,
   * so that it stops before its next step and compensates itself, and this throws {@link
   * WorkflowCancelledException}. (An uninterruptible wait made the parent ignore its step's timeout
   * until the child ended, and then discard the child's result without compensating its steps.)
   */
  public static <R> ChildRun<R> joinChild(CompletionStage<ChildRun<R>> child) {
    CompletableFuture<ChildRun<R>> future = child.toCompletableFuture();
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      String which = "child workflow";
      if (child instanceof ChildFuture<?> running) {
        running.run.cancel();
        which = "child workflow '" + running.run.spec().name() + "' (transaction " + running.run.transactionId() + ")";
      }
      WorkflowCancelledException cancelled = new WorkflowCancelledException(
          "the thread waiting for " + which + " was interrupted; the child is cancelled");
      cancelled.initCause(e);
      throw cancelled;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CompletionException(cause);
    }
  }

  /** The future of a child run started by {@link #startChild}: it knows the run, so that {@link #joinChild} can cancel it. */
  private static final class ChildFuture<R> extends CompletableFuture<ChildRun<R>> {
    private final WorkflowRun run;

    ChildFuture(WorkflowRun run) {
      this.run = run;
    }
  }

  private static <T> T joinUnwrapped(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The steps' chain; a generated {@code steps} method that throws (it never should) fails the chain. */
  private <R> CompletionStage<R> chain(Steps<R> steps) {
    try {
      CompletionStage<R> chain = steps.run(this);
      return chain != null ? chain : CompletableFuture.failedFuture(new NullPointerException("steps returned null"));
    } catch (RuntimeException | Error e) {
      run.fatal(e);
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The steps are over: the result, or the compensation of a run that was cancelled during its last step. */
  private <R> CompletionStage<R> endOfSteps(R value) {
    Failed<Void> cancelled = run.cancelledDuringLastStep();
    return cancelled == null ? CompletableFuture.completedFuture(value) : fail(List.of(cancelled));
  }

  // ---------------------------------------------------------------- steps with plain results

  /** Runs a step that returns a {@link StepResponse}; the stage completes with its output. */
  public <O, C> CompletionStage<O> step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    return settle(step, CompletableFuture.completedFuture(run.execute(step, body)), compensation);
  }

  /** Runs a step that may have no output (a condition, a tolerated failure); empty then. */
  public <O, C> CompletionStage<Optional<O>> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return when(step, when, () -> step(step, body, compensation));
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> CompletionStage<O> valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return step(step, WorkflowRun.value(body), compensation);
  }

  public <O> CompletionStage<Optional<O>> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return step(step, when, WorkflowRun.value(body), compensation);
  }

  /** Runs a step that returns {@code void}. */
  public CompletionStage<Void> voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    return step(step, WorkflowRun.nothing(body), WorkflowRun.adapt(compensation));
  }

  public CompletionStage<Void> voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    return step(step, when, WorkflowRun.nothing(body), WorkflowRun.adapt(compensation)).thenApply(AsyncRun::nothing);
  }

  /** Runs a child workflow whose steps are all synchronous. */
  public <R> CompletionStage<R> childStep(StepSpec step, ChildBody<R> body) {
    return step(step, WorkflowRun.childBody(body), WorkflowRun.ChildCompensation.INSTANCE);
  }

  public <R> CompletionStage<Optional<R>> childStep(StepSpec step, Condition when, ChildBody<R> body) {
    return step(step, when, WorkflowRun.childBody(body), WorkflowRun.ChildCompensation.INSTANCE);
  }

  /** Runs a {@code @Hook}; see {@link WorkflowRun#hook}. */
  public <T> CompletionStage<Void> hook(StepSpec step, HookSlot<T> slot, ValueBody<T> input) {
    return step(step, WorkflowRun.hookBody(slot, input), WorkflowRun::compensateHook).thenApply(AsyncRun::nothing);
  }

  public <T> CompletionStage<Void> hook(StepSpec step, Condition when, HookSlot<T> slot, ValueBody<T> input) {
    return step(step, when, WorkflowRun.hookBody(slot, input), WorkflowRun::compensateHook).thenApply(AsyncRun::nothing);
  }

  // ---------------------------------------------------------------- steps that return a CompletionStage

  /** Runs a step that returns a {@code CompletionStage<StepResponse<O, C>>}. */
  public <O, C> CompletionStage<O> stepAsync(StepSpec step, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
    return settle(step, execute(step, body), compensation);
  }

  public <O, C> CompletionStage<Optional<O>> stepAsync(
      StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
    return when(step, when, () -> stepAsync(step, body, compensation));
  }

  /** Runs a step that returns a {@code CompletionStage<O>}: the output is also the compensation input. */
  public <O> CompletionStage<O> valueStepAsync(StepSpec step, AsyncValueBody<O> body, Compensation<? super O> compensation) {
    return stepAsync(step, value(body), compensation);
  }

  public <O> CompletionStage<Optional<O>> valueStepAsync(
      StepSpec step, Condition when, AsyncValueBody<O> body, Compensation<? super O> compensation) {
    return stepAsync(step, when, value(body), compensation);
  }

  /** Runs a step that returns a {@code CompletionStage<Void>}: it has no output. */
  public CompletionStage<Void> voidStepAsync(StepSpec step, AsyncVoidBody body, VoidCompensation compensation) {
    return stepAsync(step, nothing(body), WorkflowRun.adapt(compensation));
  }

  public CompletionStage<Void> voidStepAsync(StepSpec step, Condition when, AsyncVoidBody body, VoidCompensation compensation) {
    return stepAsync(step, when, nothing(body), WorkflowRun.adapt(compensation)).thenApply(AsyncRun::nothing);
  }

  /** Runs a child workflow that has asynchronous steps, without waiting on a thread. */
  public <R> CompletionStage<R> childStepAsync(StepSpec step, AsyncChildBody<R> body) {
    return stepAsync(step, child(body), WorkflowRun.ChildCompensation.INSTANCE);
  }

  public <R> CompletionStage<Optional<R>> childStepAsync(StepSpec step, Condition when, AsyncChildBody<R> body) {
    return stepAsync(step, when, child(body), WorkflowRun.ChildCompensation.INSTANCE);
  }

  /** Starts a {@code @Parallel} group: its steps run concurrently, and {@link Group#join()} completes when all did. */
  public Group parallel(String name) {
    return new Group(run.parallel(name));
  }

  private static <O> AsyncStepBody<O, O> value(AsyncValueBody<O> body) {
    return context -> {
      CompletionStage<? extends O> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(output -> new StepResponse<O, O>(output, output));
    };
  }

  private static AsyncStepBody<Void, Void> nothing(AsyncVoidBody body) {
    return context -> {
      CompletionStage<?> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(ignored -> WorkflowRun.VOID_RESPONSE);
    };
  }

  private static <R> AsyncStepBody<R, ChildRun<R>> child(AsyncChildBody<R> body) {
    return context -> {
      CompletionStage<ChildRun<R>> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(child -> new StepResponse<R, ChildRun<R>>(child.result(), child));
    };
  }

  private static Void nothing(Object ignored) {
    return null;
  }

  // ---------------------------------------------------------------- settling a step

  /** A step whose condition decides whether it runs: empty when it is skipped, or fails with a tolerated failure. */
  private <O> CompletionStage<Optional<O>> when(StepSpec step, Condition when, Supplier<CompletionStage<O>> then) {
    Outcome<Void, Void> check = run.checkCondition(step, when);
    if (check == null) {
      return then.get().thenApply(Optional::ofNullable);
    }
    if (check == WorkflowRun.SKIPPED) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return settle(step, CompletableFuture.completedFuture(check), null).thenApply(ignored -> Optional.empty());
  }

  /**
   * What a step's outcome means for the run: its output goes on (and its compensation joins the
   * stack); a tolerated failure goes on without an output; any other failure compensates and halts.
   */
  private <O, C> CompletionStage<O> settle(
      StepSpec step, CompletableFuture<Outcome<O, C>> execution, Compensation<? super C> compensation) {
    return execution.thenCompose(outcome -> {
      if (!outcome.failed()) {
        return CompletableFuture.completedFuture(run.completed(step, outcome.response, compensation));
      }
      if (WorkflowRun.isTolerated(step, outcome)) {
        run.tolerate(step, outcome, compensation);
        return CompletableFuture.completedFuture(null);
      }
      return fail(List.of(new Failed<>(step, outcome, compensation)));
    });
  }

  // ---------------------------------------------------------------- executing one step

  /** Runs an asynchronous step with its retries, retry pauses and timeout; the future completes with its outcome. */
  private <O, C> CompletableFuture<Outcome<O, C>> execute(StepSpec step, AsyncStepBody<O, C> body) {
    CompletableFuture<Outcome<O, C>> outcome = new CompletableFuture<>();
    Throwable stop = run.stopReason(step);
    if (stop != null) {
      outcome.complete(Outcome.failed(stop, 0, null));
    } else {
      attempt(step, body, 1, outcome);
    }
    return outcome;
  }

  /**
   * Tries the step from attempt {@code first} on. A loop, not a recursion: an attempt whose stage is
   * complete at once (or that throws, or returns null) and that is retried at once (no retry
   * interval) goes round the loop here. A recursion through {@link #judge} and {@link #pause} grew
   * the stack by each such retry, and overflowed at a few hundred retries: the StackOverflowError was
   * swallowed by a CompletableFuture callback and the run never ended.
   */
  private <O, C> void attempt(StepSpec step, AsyncStepBody<O, C> body, int first, CompletableFuture<Outcome<O, C>> outcome) {
    for (int attempt = first; ; attempt++) {
      Context context = run.new Context(step, attempt, false);
      String outerStep = WorkflowRun.enterStep(step);
      CompletionStage<? extends StepResponse<O, C>> stage = null;
      Throwable error = null;
      boolean retryable = true;
      long started = 0;
      try {
        run.beginAttempt(context);
        started = System.nanoTime();
        stage = body.invoke(context);
        if (stage == null) {
          error = new IllegalStateException("step '" + step.name() + "' returned null instead of a CompletionStage; "
              + "return CompletableFuture.completedFuture(output) when the output is at hand");
          retryable = false;
        }
      } catch (Throwable t) {
        run.fatal(t);
        error = t;
      } finally {
        WorkflowRun.restore(WorkflowRun.MDC_STEP, outerStep);
      }
      StepResponse<O, C> response = null;
      if (error == null) {
        CompletableFuture<StepResponse<O, C>> awaited = resume(await(step, context, stage, started));
        if (!awaited.isDone()) {
          awaited.whenComplete((done, failure) -> {
            if (judge(step, context, done, failure == null ? null : WorkflowRun.unwrap(failure), true, body, outcome)) {
              attempt(step, body, context.attempt() + 1, outcome);
            }
          });
          return;
        }
        try {
          response = awaited.join();
        } catch (CompletionException | CancellationException failure) {
          error = WorkflowRun.unwrap(failure);
        }
      }
      if (!judge(step, context, response, error, retryable, body, outcome)) {
        return;
      }
    }
  }

  /**
   * What an attempt came to: the step's outcome, or a pause on a timer and then the next attempt.
   * True if the next attempt is to start at once, which the caller does.
   */
  private <O, C> boolean judge(StepSpec step, Context context, StepResponse<O, C> response, Throwable error,
      boolean retryable, AsyncStepBody<O, C> body, CompletableFuture<Outcome<O, C>> outcome) {
    Outcome<O, C> judged = run.judge(context, response, error, retryable);
    if (!judged.retry) {
      outcome.complete(judged);
      return false;
    }
    int attempt = context.attempt();
    return pause(step, judged.retryDelayNanos,
        () -> attempt(step, body, attempt + 1, outcome),
        () -> outcome.complete(run.giveUp(context, judged.cause)));
  }

  /**
   * The step's stage, bounded by its timeout (the step's, or what is left of the workflow's). When
   * the time is up, the run stops waiting and the attempt fails; the stage is left alone (it may be
   * shared, so it is not cancelled) and what it later completes with is discarded. The attempt is
   * marked abandoned, so that a child workflow it started stops before its next step and compensates
   * itself instead of running on unseen (see {@link WorkflowRun#isCancelled()}).
   */
  private <T> CompletableFuture<T> await(StepSpec step, Context context, CompletionStage<? extends T> stage,
      long started) {
    CompletableFuture<T> awaited = new CompletableFuture<>();
    long limit = run.attemptTimeoutNanos(step);
    ScheduledFuture<?> alarm = null;
    if (limit != Long.MAX_VALUE) {
      boolean workflowLimited = run.isWorkflowLimit(step, limit);
      // the attempt's time counts from before the step was called: what it did before returning its stage too
      long left = limit - (System.nanoTime() - started);
      if (left <= 0) {
        context.abandon();
        awaited.completeExceptionally(run.timedOut(context, workflowLimited));
      } else {
        alarm = Scheduling.timer().schedule(() -> {
          context.abandon();
          awaited.completeExceptionally(run.timedOut(context, workflowLimited));
        }, left, TimeUnit.NANOSECONDS);
      }
    }
    ScheduledFuture<?> timer = alarm;
    stage.whenComplete((value, error) -> {
      if (timer != null) {
        timer.cancel(false);
      }
      boolean taken = error == null ? awaited.complete(value) : awaited.completeExceptionally(error);
      if (!taken && error == null) {
        discardLate(step, context, value);
      }
    });
    return awaited;
  }

  /**
   * A stage completed after its attempt timed out: the run has gone on without its result. A child
   * workflow's completed steps are compensated as a unit, since nothing else will ever undo them;
   * any other step's late result is discarded, with a warning.
   */
  private void discardLate(StepSpec step, Context context, Object value) {
    if (value instanceof StepResponse<?, ?> response && response.compensationInput() instanceof ChildRun<?> child) {
      log.warn("Workflow '{}' ({}) child workflow of step '{}' completed after the step's timeout on attempt {};"
          + " compensating its steps", run.spec().name(), run.transactionId(), step.name(), context.attempt());
      compensateUnit(child.run()).whenComplete((failure, never) -> {
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


  /**
   * {@code future}, completing in a segment of this run: at once if it is done, else on the run's
   * executor when it completes (never on the thread that completed it).
   */
  private <T> CompletableFuture<T> resume(CompletableFuture<T> future) {
    if (future.isDone()) {
      return future;
    }
    CompletableFuture<T> resumed = new CompletableFuture<>();
    future.whenComplete((value, error) -> run.hop(() -> {
      if (error == null) {
        resumed.complete(value);
      } else {
        resumed.completeExceptionally(error);
      }
    }));
    return resumed;
  }

  /**
   * The pause of {@code delay} nanoseconds before a step's retry, on a timer: then {@code retry}, or
   * {@code giveUp} if the run was cancelled meanwhile (checked every 50 ms) or ran out of time.
   * Without a pause, returns true for the caller to retry at once (without deepening the stack), or
   * gives up if the run must stop.
   */
  private boolean pause(StepSpec step, long delay, Runnable retry, Runnable giveUp) {
    if (delay < 0) {
      giveUp.run();
    } else if (delay == 0) {
      if (run.stopReason(step) == null) {
        return true;
      }
      giveUp.run();
    } else {
      tick(step, System.nanoTime() + delay, retry, giveUp);
    }
    return false;
  }

  private void tick(StepSpec step, long end, Runnable retry, Runnable giveUp) {
    long left = end - System.nanoTime();
    if (run.isCancelled()) {
      run.hop(giveUp);
    } else if (left <= 0) {
      run.hop(run.stopReason(step) == null ? retry : giveUp);
    } else {
      Scheduling.timer().schedule(() -> tick(step, end, retry, giveUp),
          Math.min(left, TimeUnit.MILLISECONDS.toNanos(WorkflowRun.PAUSE_SLICE_MILLIS)), TimeUnit.NANOSECONDS);
    }
  }

  // ---------------------------------------------------------------- compensating

  /**
   * Records the failure, compensates (a compensation's retry pauses are timers), and completes the
   * returned stage exceptionally with {@link WorkflowRun.Halt}.
   */
  private <T> CompletableFuture<T> fail(List<Failed<?>> failed) {
    CompletableFuture<T> halted = new CompletableFuture<>();
    new Compensating(run.beginCompensation(failed),
        failedForGood -> halted.completeExceptionally(run.endCompensation(failedForGood.isEmpty()))).next();
    return halted;
  }

  /**
   * Compensates {@code todo} in order, each with its retries, and then hands over those that failed
   * for good. No thread waits: a retry pause is a timer, and a child workflow's steps are
   * compensated as a unit the same way, in the child's own run.
   */
  private final class Compensating {
    private final List<Completed<?>> todo;
    private final Consumer<List<Completed<?>>> then;
    private final List<Completed<?>> failedForGood = new ArrayList<>();
    private int index;
    private int attempt = 1;

    Compensating(List<Completed<?>> todo, Consumer<List<Completed<?>>> then) {
      this.todo = todo;
      this.then = then;
    }

    /** Goes on from the current compensation and attempt, until a pause or the end. */
    void next() {
      while (index < todo.size()) {
        Completed<?> next = todo.get(index);
        if (next.compensation instanceof WorkflowRun.ChildCompensation && next.input instanceof ChildRun<?> child) {
          Context context = run.new Context(next.step, attempt, true);
          resume(compensateUnit(child.run())).whenComplete((error, never) -> {
            if (error == null) {
              run.compensated(context);
            }
            if (settle(next, error)) {
              next();
            }
          });
          return;
        }
        if (!settle(next, run.compensateOnce(next, attempt))) {
          return;
        }
      }
      then.accept(failedForGood);
    }

    /** What an attempt came to; false if a timer goes on later. */
    private boolean settle(Completed<?> next, Throwable error) {
      if (error == null) {
        index++;
        attempt = 1;
        return true;
      }
      if (run.retriesCompensation(next.step, attempt, error)) {
        long delay = run.retryDelayNanos(next.step, attempt, true);
        attempt++;
        if (delay > 0) {
          Scheduling.timer().schedule(() -> run.hop(this::next), delay, TimeUnit.NANOSECONDS);
          return false;
        }
        return true;
      }
      run.compensationFailed(next.step, attempt, error);
      failedForGood.add(next);
      index++;
      attempt = 1;
      return true;
    }
  }

  /**
   * Compensates a completed child run as a unit, in the child's scope and without a waiting thread:
   * completes with null, or with the {@code ChildCompensationException} for the parent's step.
   */
  private static CompletableFuture<Throwable> compensateUnit(WorkflowRun child) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    child.inScope(() -> {
      int errorsBefore = child.errorCount();
      new AsyncRun(child).new Compensating(child.takeCompleted(),
          failedAgain -> done.complete(child.endUnitCompensation(failedAgain, errorsBefore))).next();
    });
    return done;
  }

  // ---------------------------------------------------------------- parallel groups

  /**
   * A {@code @Parallel} group of a run with asynchronous steps: like {@link WorkflowRun.Group}, but
   * its steps may return a {@code CompletionStage}, and {@link #join()} waits without a thread. Not API.
   */
  public final class Group {
    private final WorkflowRun.Group group;

    private Group(WorkflowRun.Group group) {
      this.group = group;
    }

    public <O, C> Branch<O, C> step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
      return group.step(step, body, compensation);
    }

    public <O, C> Branch<O, C> step(StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
      return group.step(step, when, body, compensation);
    }

    public <O> Branch<O, O> valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
      return group.valueStep(step, body, compensation);
    }

    public <O> Branch<O, O> valueStep(StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
      return group.valueStep(step, when, body, compensation);
    }

    public Branch<Void, Void> voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
      return group.voidStep(step, body, compensation);
    }

    public Branch<Void, Void> voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
      return group.voidStep(step, when, body, compensation);
    }

    public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, ChildBody<R> body) {
      return group.childStep(step, body);
    }

    public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, Condition when, ChildBody<R> body) {
      return group.childStep(step, when, body);
    }

    public <O, C> Branch<O, C> stepAsync(StepSpec step, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return launch(step, null, body, compensation);
    }

    public <O, C> Branch<O, C> stepAsync(
        StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return launch(step, when, body, compensation);
    }

    public <O> Branch<O, O> valueStepAsync(StepSpec step, AsyncValueBody<O> body, Compensation<? super O> compensation) {
      return launch(step, null, value(body), compensation);
    }

    public <O> Branch<O, O> valueStepAsync(
        StepSpec step, Condition when, AsyncValueBody<O> body, Compensation<? super O> compensation) {
      return launch(step, when, value(body), compensation);
    }

    public Branch<Void, Void> voidStepAsync(StepSpec step, AsyncVoidBody body, VoidCompensation compensation) {
      return launch(step, null, nothing(body), WorkflowRun.adapt(compensation));
    }

    public Branch<Void, Void> voidStepAsync(StepSpec step, Condition when, AsyncVoidBody body, VoidCompensation compensation) {
      return launch(step, when, nothing(body), WorkflowRun.adapt(compensation));
    }

    public <R> Branch<R, ChildRun<R>> childStepAsync(StepSpec step, AsyncChildBody<R> body) {
      return launch(step, null, child(body), WorkflowRun.ChildCompensation.INSTANCE);
    }

    public <R> Branch<R, ChildRun<R>> childStepAsync(StepSpec step, Condition when, AsyncChildBody<R> body) {
      return launch(step, when, child(body), WorkflowRun.ChildCompensation.INSTANCE);
    }

    private <O, C> Branch<O, C> launch(
        StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return group.launch(step, when, compensation, () -> execute(step, body));
    }

    /**
     * Completes when every step of the group has, after settling them in the order they completed;
     * exceptionally with {@link WorkflowRun.Halt} if one failed and the compensations ran.
     */
    public CompletionStage<Void> join() {
      CompletableFuture<?>[] branches = group.branches().stream().map(branch -> branch.done)
          .toArray(CompletableFuture<?>[]::new);
      return resume(CompletableFuture.allOf(branches)).thenCompose(ignored -> {
        List<Failed<?>> failed = group.settle();
        return failed.isEmpty() ? CompletableFuture.completedFuture(null) : fail(failed);
      });
    }
  }
}
