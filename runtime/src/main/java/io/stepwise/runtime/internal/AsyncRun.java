package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.UnrecordableValueException;
import io.stepwise.runtime.internal.SyncStepMachine.Shape;
import io.stepwise.runtime.internal.WorkflowRun.Branch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * A run of a workflow that has asynchronous steps (steps that return a {@code CompletionStage}): the
 * entry points its generated runner calls. Not API.
 *
 * <p>The generated {@code steps} method chains the steps with {@code thenCompose}: each step method
 * here returns a stage of the step's output, which completes once the step is done (with its
 * retries). When a step fails for good, its stage completes exceptionally with {@link
 * WorkflowRun.Halt} once the completed steps are compensated, which skips the rest of the chain.
 *
 * <p>Everything behind these methods is the run's {@link Execution} on the {@link Driver#TIMERS}
 * driver: no thread waits for an asynchronous step. When its stage completes, the run goes on in a
 * new segment on the run's executor ({@link RunOptions#executor()}, or Stepwise's pool), never on
 * the thread that completed the stage (an HTTP client's, say). Retry pauses and timeouts are
 * timers, not sleeping threads, for every step. Steps that return plain values run where the run
 * is, as in a synchronous run. The segments of a run follow each other (each starts when the one
 * before it handed over), so the run's state needs no locks.
 *
 * <p>Its length (about 540 lines) is the generated code's contract, not logic: every shape of step
 * (a response, a value, {@code void}, a child workflow, a hook; each plain or as a stage, each
 * with and without a condition) is an entry point of a few lines that hands a machine to {@link
 * #run}, the group adds the staged shapes to {@link GroupSteps}', and the ways to start and wait for
 * a run or a child run ({@code start}, {@code submit}, {@code join}, {@code startChild}, {@code
 * joinChild}) are entry points too; the generated code names them all on this class.
 */
public final class AsyncRun extends Execution {
  /** The {@code steps} method of a generated runner, chained on an {@code AsyncRun}. */
  @FunctionalInterface
  public interface Steps<R> {
    CompletionStage<R> run(AsyncRun run);
  }

  private AsyncRun(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      Attempt parentStep, String transactionId, Object input) {
    super(spec, options, container, registry, parentStep, transactionId, Driver.TIMERS, input);
  }

  // ---------------------------------------------------------------- starting and ending

  /**
   * Starts a run on the calling thread, which runs its steps until the first one that has to wait;
   * the future completes when the run ends. It completes exceptionally with {@link
   * WorkflowFailedException} if the run does not end {@code DONE} and {@code options.throwOnError()}.
   */
  public static <R> CompletableFuture<WorkflowResult<R>> start(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Steps<R> steps) {
    return start(spec, options, container, registry, null, steps);
  }

  /** Starts a run of {@code input} (null for a workflow without input); see {@link #start(WorkflowSpec, RunOptions, Container, RunRegistry, Steps)}. */
  public static <R> CompletableFuture<WorkflowResult<R>> start(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Object input, Steps<R> steps) {
    AsyncRun run = new AsyncRun(spec, options, container, registry, null, transactionId(spec, options), input);
    CompletableFuture<WorkflowResult<R>> result = new CompletableFuture<>();
    run.onCrash(error -> result.completeExceptionally(run.broken(error)));
    run.drive(steps, (value, cause) -> {
      if (cause == null) {
        result.complete(run.endDone(value));
      } else if (cause instanceof WorkflowRun.Halt) {
        WorkflowResult<R> halted = run.endHalted();
        if (run.options().throwOnError()) {
          result.completeExceptionally(run.failedException(halted));
        } else {
          result.complete(halted);
        }
      } else if (cause instanceof WorkflowSuspendedException suspended) {
        result.completeExceptionally(run.stopped(suspended));
      } else if (run.refused(cause)) {
        result.completeExceptionally(cause);
      } else {
        result.completeExceptionally(run.broken(cause));
      }
    });
    return result;
  }

  /**
   * Begins the run and chains its steps, in its scope; {@code end} gets the result once the steps
   * are over (a run cancelled or abandoned during its last step compensated first), or the cause
   * that ended them: {@link WorkflowRun.Halt} after a failed step's compensations, else a bug.
   */
  private <R> void drive(Steps<R> steps, BiConsumer<R, Throwable> end) {
    CompletableFuture<Void> opened = open();
    Runnable go = () -> {
      if (opened.isCompletedExceptionally()) {
        refusal = WorkflowRun.failureOf(opened);
        end.accept(null, refusal);
        return;
      }
      inScope(() -> {
        begin();
        chain(steps).thenCompose(this::endOfSteps).whenComplete((value, error) -> recordEnd(value,
            error == null ? null : WorkflowRun.unwrap(error), end));
      });
    };
    if (driver().await(this, opened, go)) {
      go.run();
    }
  }

  /** Why the run could not begin (its record refused it); null if it began. */
  private Throwable refusal;

  /** Whether {@code cause} is why the run could not begin. */
  private boolean refused(Throwable cause) {
    return cause != null && cause == refusal;
  }

  /**
   * Records a durable run's end before {@code end} gets it (a run that ended DONE or halted); a
   * write that fails stops the run with a {@link WorkflowSuspendedException} instead.
   */
  private <R> void recordEnd(R value, Throwable cause, BiConsumer<R, Throwable> end) {
    if (journal == null || (cause != null && !(cause instanceof WorkflowRun.Halt))) {
      end.accept(value, cause);
      return;
    }
    CompletableFuture<Void> written = recordEnd(cause == null ? RunRecord.Status.DONE : record().status(),
        cause == null ? value : null);
    Runnable next = () -> {
      Throwable failed = WorkflowRun.failureOf(written);
      if (failed instanceof UnrecordableValueException && cause == null) {
        // the last step's output (or the result) cannot be recorded: the run is compensated instead
        halt(List.of(unrecordableEnd(failed))).whenComplete((ignored, halted) ->
            recordEnd(value, WorkflowRun.unwrap(halted), end));
        return;
      }
      WorkflowSuspendedException suspended = failed != null ? suspension() : null;
      end.accept(value, suspended != null ? suspended : failed != null ? failed : cause);
    };
    if (driver().await(this, written, next)) {
      next.run();
    }
  }

  /** Starts a run on its executor, so that the caller never runs a step; see {@link #start}. */
  public static <R> CompletableFuture<WorkflowResult<R>> submit(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Steps<R> steps) {
    return submit(spec, options, container, registry, null, steps);
  }

  /** Starts a run of {@code input} on its executor; see {@link #submit(WorkflowSpec, RunOptions, Container, RunRegistry, Steps)}. */
  public static <R> CompletableFuture<WorkflowResult<R>> submit(
      WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Object input, Steps<R> steps) {
    transactionId(spec, options); // fails before anything is queued if the options are missing
    CompletableFuture<WorkflowResult<R>> result = new CompletableFuture<>();
    // throws RejectedExecutionException as CompletableFuture.supplyAsync, and a synchronous
    // workflow's runAsync, do; the run takes the caller's MDC from the thread (Execution's constructor)
    AsyncRuns.forRun(options, registry).execute(() ->
        start(spec, options, container, registry, input, steps).whenComplete((value, error) -> {
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
    try {
      return run.join();
    } catch (CompletionException e) {
      throw unchecked(e.getCause());
    }
  }

  /** What a run's future failed with, to throw as it is; a checked one (never expected) wrapped. */
  private static RuntimeException unchecked(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new CompletionException(cause);
  }

  /**
   * Starts a run of a child workflow inside a step of its parent (see {@link
   * WorkflowRun#startChild}): the stage completes with the child's run, or exceptionally with the
   * {@link WorkflowFailedException} that fails the parent's step once the child compensated itself.
   */
  public static <R> CompletableFuture<ChildRun<R>> startChild(
      WorkflowSpec spec, StepContext parent, Container container, Steps<R> steps) {
    return startChild(spec, parent, container, null, steps);
  }

  /** Starts a run of a child workflow with {@code input}; see {@link #startChild(WorkflowSpec, StepContext, Container, Steps)}. */
  public static <R> CompletableFuture<ChildRun<R>> startChild(
      WorkflowSpec spec, StepContext parent, Container container, Object input, Steps<R> steps) {
    Attempt parentStep = parentStep(parent);
    AsyncRun run = new AsyncRun(spec, parentStep.run.options(), container, null, parentStep,
        childTransactionId(parentStep), input);
    CompletableFuture<ChildRun<R>> result = new ChildFuture<>(run);
    run.onCrash(result::completeExceptionally); // the parent's step fails with it
    run.drive(steps, (value, cause) -> {
      if (cause == null) {
        result.complete(run.endChildDone(value));
      } else if (cause instanceof WorkflowSuspendedException || run.refused(cause)) {
        result.completeExceptionally(cause);
      } else {
        result.completeExceptionally(cause instanceof WorkflowRun.Halt
            ? run.failedException(run.endHalted()) : run.broken(cause));
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
      throw unchecked(e.getCause());
    }
  }

  /** The future of a child run started by {@link #startChild}: it knows the run, so that {@link #joinChild} can cancel it. */
  private static final class ChildFuture<R> extends CompletableFuture<ChildRun<R>> {
    private final AsyncRun run;

    ChildFuture(AsyncRun run) {
      this.run = run;
    }
  }

  /** The steps' chain; a generated {@code steps} method that throws (it never should) fails the chain. */
  private <R> CompletionStage<R> chain(Steps<R> steps) {
    try {
      CompletionStage<R> chain = steps.run(this);
      return chain != null ? chain : CompletableFuture.failedFuture(new NullPointerException("steps returned null"));
    } catch (RuntimeException | Error e) {
      fatal(e);
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The steps are over: the result, or the compensation of a run that was cancelled during its last step. */
  private <R> CompletionStage<R> endOfSteps(R value) {
    CompletableFuture<Void> noWaits = noWaitsRunning();
    if (noWaits == null) {
      return stepsOver(value);
    }
    // the run ends when its noWait steps have ended too
    CompletableFuture<R> over = new CompletableFuture<>();
    Runnable end = () -> stepsOver(value).whenComplete((result, error) -> {
      if (error == null) {
        over.complete(result);
      } else {
        over.completeExceptionally(WorkflowRun.unwrap(error));
      }
    });
    if (driver().await(this, noWaits, end)) {
      end.run();
    }
    return over;
  }

  /** Every step is over, noWait steps too: the result, or the compensation of a halted or cancelled run. */
  private <R> CompletionStage<R> stepsOver(R value) {
    WorkflowSuspendedException suspended = noWaitSuspension();
    if (suspended != null) {
      return CompletableFuture.failedFuture(suspended);
    }
    if (noWaitFailed()) {
      return halt(List.of());
    }
    Settlement.Failure cancelled = endSteps();
    return cancelled == null ? CompletableFuture.completedFuture(value) : halt(List.of(cancelled));
  }

  // ---------------------------------------------------------------- steps with plain results

  /** Runs a step that returns a {@link StepResponse}; the stage completes with its output. */
  public <O, C> CompletionStage<O> step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    return plain(step, null, Shape.RESPONSE, body, compensation);
  }

  /** Runs a step that may have no output (a condition, a tolerated failure); empty then. */
  public <O, C> CompletionStage<Optional<O>> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return this.<O>plain(step, when, Shape.RESPONSE, body, compensation).thenApply(Optional::ofNullable);
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> CompletionStage<O> valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return plain(step, null, Shape.VALUE, body, compensation);
  }

  public <O> CompletionStage<Optional<O>> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return this.<O>plain(step, when, Shape.VALUE, body, compensation).thenApply(Optional::ofNullable);
  }

  /** Runs a step that returns {@code void}. */
  public CompletionStage<Void> voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    return plain(step, null, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  public CompletionStage<Void> voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    return plain(step, when, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  /** Runs a child workflow whose steps are all synchronous. */
  public <R> CompletionStage<R> childStep(StepSpec step, ChildBody<R> body) {
    return plain(step, null, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE);
  }

  public <R> CompletionStage<Optional<R>> childStep(StepSpec step, Condition when, ChildBody<R> body) {
    return this.<R>plain(step, when, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE)
        .thenApply(Optional::ofNullable);
  }

  /** Runs a step that takes a {@code java.sql.Connection}; see {@link WorkflowRun#transactionalStep}. */
  public <O, C> CompletionStage<O> transactionalStep(
      StepSpec step, TransactionalBody<O, C> body, Compensation<? super C> compensation) {
    return run(new TransactionalStepMachine<>(this, step, null, true, body), compensation);
  }

  public <O, C> CompletionStage<Optional<O>> transactionalStep(
      StepSpec step, Condition when, TransactionalBody<O, C> body, Compensation<? super C> compensation) {
    return run(new TransactionalStepMachine<>(this, step, when, true, body), compensation).thenApply(Optional::ofNullable);
  }

  /** Runs a {@code @Hook}; see {@link WorkflowRun#hook}. */
  public <T> CompletionStage<Void> hook(StepSpec step, HookSlot<T> slot, ValueBody<T> input) {
    return plain(step, null, Shape.RESPONSE, Bodies.hook(slot, input), Bodies.hookCompensation(slot));
  }

  public <T> CompletionStage<Void> hook(StepSpec step, Condition when, HookSlot<T> slot, ValueBody<T> input) {
    return plain(step, when, Shape.RESPONSE, Bodies.hook(slot, input), Bodies.hookCompensation(slot));
  }

  /** Runs a step with a plain result (of this shape) where the run is: its stage, see {@link #run}. */
  @SuppressWarnings("unchecked")
  private <O> CompletionStage<O> plain(StepSpec step, Condition when, Shape shape, Object body, Compensation<?> compensation) {
    return run(new SyncStepMachine<O, Object>(this, step, when, true, shape, body), (Compensation<Object>) compensation);
  }

  // ---------------------------------------------------------------- steps that return a CompletionStage

  /** Runs a step that returns a {@code CompletionStage<StepResponse<O, C>>}. */
  public <O, C> CompletionStage<O> stepAsync(StepSpec step, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
    return run(new AsyncStepMachine<>(this, step, null, true, body), compensation);
  }

  public <O, C> CompletionStage<Optional<O>> stepAsync(
      StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
    return run(new AsyncStepMachine<>(this, step, when, true, body), compensation)
        .thenApply(Optional::ofNullable);
  }

  /** Runs a step that returns a {@code CompletionStage<O>}: the output is also the compensation input. */
  public <O> CompletionStage<O> valueStepAsync(StepSpec step, AsyncValueBody<O> body, Compensation<? super O> compensation) {
    return stepAsync(step, Bodies.valueAsync(body), compensation);
  }

  public <O> CompletionStage<Optional<O>> valueStepAsync(
      StepSpec step, Condition when, AsyncValueBody<O> body, Compensation<? super O> compensation) {
    return stepAsync(step, when, Bodies.valueAsync(body), compensation);
  }

  /** Runs a step that returns a {@code CompletionStage<Void>}: it has no output. */
  public CompletionStage<Void> voidStepAsync(StepSpec step, AsyncVoidBody body, VoidCompensation compensation) {
    return stepAsync(step, Bodies.nothingAsync(body), Bodies.voidCompensation(compensation));
  }

  public CompletionStage<Void> voidStepAsync(StepSpec step, Condition when, AsyncVoidBody body, VoidCompensation compensation) {
    return stepAsync(step, when, Bodies.nothingAsync(body), Bodies.voidCompensation(compensation)).thenApply(AsyncRun::nothing);
  }

  /** Runs a child workflow that has asynchronous steps, without waiting on a thread. */
  public <R> CompletionStage<R> childStepAsync(StepSpec step, AsyncChildBody<R> body) {
    return stepAsync(step, Bodies.childAsync(body), Bodies.ChildCompensation.INSTANCE);
  }

  public <R> CompletionStage<Optional<R>> childStepAsync(StepSpec step, Condition when, AsyncChildBody<R> body) {
    return stepAsync(step, when, Bodies.childAsync(body), Bodies.ChildCompensation.INSTANCE);
  }

  /** Starts a {@code @Parallel} group: its steps run concurrently, and {@link Group#join()} completes when all did. */
  public Group parallel(String name) {
    return new Group(new GroupCoordinator(this, name));
  }

  /**
   * Starts a {@code noWait} step, the one step of the returned group, which is never joined: the
   * steps after it start at once, and the run waits for it when its steps are over (or halted).
   */
  public Group noWait(String step) {
    GroupCoordinator coordinator = new GroupCoordinator(this, step);
    noWait(coordinator);
    return new Group(coordinator);
  }

  private static Void nothing(Object ignored) {
    return null;
  }

  // ---------------------------------------------------------------- running a step

  /**
   * Runs a step's machine and settles its outcome: the stage completes with the step's output (null
   * if it has none), or exceptionally with {@link WorkflowRun.Halt} once a failure that halts the
   * run has been compensated.
   */
  private <O, C> CompletionStage<O> run(StepMachine<O, C> machine, Compensation<? super C> compensation) {
    if (noWaitFailed()) {
      return halt(List.of()); // a noWait step failed: this step does not start
    }
    CompletableFuture<O> settled = new CompletableFuture<>();
    machine.compensatedBy(compensation).then(() -> {
      WorkflowSuspendedException suspended = suspension();
      if (suspended != null) {
        settled.completeExceptionally(suspended);
        return;
      }
      Settlement.Failure failure = Settlement.settle(this, machine, compensation);
      if (failure == null) {
        settled.complete(machine.output());
      } else {
        Compensator.halt(this, List.of(failure)).whenComplete((halt, error) ->
            settled.completeExceptionally(halt != null ? halt : WorkflowRun.unwrap(error)));
      }
    }).run();
    return settled;
  }

  /**
   * Halts the run after the failures and compensates it (a compensation's retry pauses are timers):
   * the returned stage completes exceptionally with {@link WorkflowRun.Halt}.
   */
  private <T> CompletionStage<T> halt(List<Settlement.Failure> failed) {
    return Compensator.halt(this, failed).thenCompose(CompletableFuture::failedFuture);
  }

  // ---------------------------------------------------------------- parallel groups

  /**
   * A {@code @Parallel} group of a run with asynchronous steps: like {@link WorkflowRun.Group}, but
   * its steps may also return a {@code CompletionStage}, and {@link #join()} waits without a thread;
   * see {@link GroupCoordinator}. Not API.
   */
  public static final class Group extends GroupSteps {
    private Group(GroupCoordinator coordinator) {
      super(coordinator);
    }

    public <O, C> Branch<O, C> stepAsync(StepSpec step, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return launch(step, null, body, compensation);
    }

    public <O, C> Branch<O, C> stepAsync(
        StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return launch(step, when, body, compensation);
    }

    public <O> Branch<O, O> valueStepAsync(StepSpec step, AsyncValueBody<O> body, Compensation<? super O> compensation) {
      return launch(step, null, Bodies.valueAsync(body), compensation);
    }

    public <O> Branch<O, O> valueStepAsync(
        StepSpec step, Condition when, AsyncValueBody<O> body, Compensation<? super O> compensation) {
      return launch(step, when, Bodies.valueAsync(body), compensation);
    }

    public Branch<Void, Void> voidStepAsync(StepSpec step, AsyncVoidBody body, VoidCompensation compensation) {
      return launch(step, null, Bodies.nothingAsync(body), Bodies.voidCompensation(compensation));
    }

    public Branch<Void, Void> voidStepAsync(StepSpec step, Condition when, AsyncVoidBody body, VoidCompensation compensation) {
      return launch(step, when, Bodies.nothingAsync(body), Bodies.voidCompensation(compensation));
    }

    public <R> Branch<R, ChildRun<R>> childStepAsync(StepSpec step, AsyncChildBody<R> body) {
      return launch(step, null, Bodies.childAsync(body), Bodies.ChildCompensation.INSTANCE);
    }

    public <R> Branch<R, ChildRun<R>> childStepAsync(StepSpec step, Condition when, AsyncChildBody<R> body) {
      return launch(step, when, Bodies.childAsync(body), Bodies.ChildCompensation.INSTANCE);
    }

    private <O, C> Branch<O, C> launch(
        StepSpec step, Condition when, AsyncStepBody<O, C> body, Compensation<? super C> compensation) {
      return coordinator.start(new AsyncStepMachine<>(coordinator.run(), step, when, false, body), compensation);
    }

    /**
     * Completes when every step of the group has, after settling them in the order they completed;
     * exceptionally with {@link WorkflowRun.Halt} if one failed and the compensations ran.
     */
    public CompletionStage<Void> join() {
      return coordinator.join().thenCompose(halt -> halt == null
          ? CompletableFuture.<Void>completedFuture(null) : CompletableFuture.<Void>failedFuture(halt));
    }
  }
}
