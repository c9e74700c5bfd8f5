package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.UnrecordableValueException;
import io.stepwise.runtime.internal.SyncStepMachine.Shape;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A synchronous run of a workflow: the entry points its generated runner calls. Not API.
 *
 * <p>A generated {@code run} method starts a run, calls one of the {@code step} methods per step in
 * declaration order, passing each step's output on in local variables, and ends with {@link
 * #done(Object)}. When a step fails (after its retries), the step method compensates every completed
 * step in reverse order of completion and throws {@link Halt}, which the runner catches and turns
 * into the run's result with {@link #halted(Halt)}. Steps of a {@code @Parallel} group are started
 * together through a {@link Group} and joined before the next step.
 *
 * <p>Everything behind these methods is the run's {@link Execution} on the {@link Driver#BLOCKING}
 * driver: each step is a {@link SyncStepMachine} that runs to its outcome on the calling thread, then
 * {@link Settlement} and, on a failure, the {@link Compensator}. A run belongs to the thread that
 * runs it (a group's steps run on the run's executor, and hand their outcomes back at {@link
 * Group#join()}); one runner starts any number of runs concurrently.
 */
public final class WorkflowRun extends Execution {
  /** The MDC key of the transaction id, set while a run is in progress. */
  public static final String MDC_TRANSACTION_ID = Mdc.TRANSACTION_ID;
  /** The MDC key of the workflow's name, set while a run is in progress. */
  public static final String MDC_WORKFLOW = Mdc.WORKFLOW;
  /** The MDC key of the step's name, set while a step, condition or compensation runs. */
  public static final String MDC_STEP = Mdc.STEP;

  /** The one {@link Halt}: it carries nothing. */
  static final Halt HALT = new Halt();

  /** The machine that runs the run's steps, one after the other; made for the first. */
  private SyncStepMachine<Object, Object> machine;

  private WorkflowRun(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      Attempt parentStep, String transactionId, Object input) {
    super(spec, options, container, registry, parentStep, transactionId, Driver.BLOCKING, input);
  }

  /** Starts a run that cannot be cancelled through a runner. */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container) {
    return start(spec, options, container, null);
  }

  /** Starts a run: fixes its transaction id, sets the MDC, registers it for {@code cancel}. */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry) {
    return start(spec, options, container, registry, null);
  }

  /**
   * Starts a run of {@code input} (null for a workflow without input): fixes its transaction id,
   * sets the MDC, registers it for {@code cancel}. A run of a runner bound to an engine is recorded
   * first; if its transaction id is recorded already, the run replays that record (see {@link Journal}).
   */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      Object input) {
    WorkflowRun run = new WorkflowRun(spec, options, container, registry, null, transactionId(spec, options), input);
    run.openAndBegin();
    return run;
  }

  /**
   * Starts a run of a child workflow, inside a step of the parent run: its transaction id is the
   * parent's, the step's name and, on a retry, the attempt ({@code tx/create-shipment#2}); it has
   * the parent's listeners and executor, never outlives the parent's deadline, and stops when the
   * parent is cancelled.
   */
  public static WorkflowRun startChild(WorkflowSpec spec, StepContext parentStep, Container container) {
    return startChild(spec, parentStep, container, null);
  }

  /** Starts a run of a child workflow with {@code input}; see {@link #startChild(WorkflowSpec, StepContext, Container)}. */
  public static WorkflowRun startChild(WorkflowSpec spec, StepContext parentStep, Container container, Object input) {
    Attempt parent = parentStep(parentStep);
    WorkflowRun run = new WorkflowRun(spec, parent.run.options(), container, null, parent, childTransactionId(parent),
        input);
    run.openAndBegin();
    return run;
  }

  /** Opens a durable run's record and waits for it (a run without an engine has none to open), then begins. */
  private void openAndBegin() {
    if (journal != null) {
      await(open());
    }
    begin();
  }

  // ---------------------------------------------------------------- steps

  /** Runs a step that returns a {@link StepResponse}; returns its output. */
  public <O, C> O step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    return run(step, null, Shape.RESPONSE, body, compensation);
  }

  /**
   * Runs a step that may have no output: skipped by its condition, or failed with
   * {@code continueOnPermanentFailure}/{@code skipOnPermanentFailure}. Empty then.
   */
  public <O, C> Optional<O> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return Optional.ofNullable(run(step, when, Shape.RESPONSE, body, compensation));
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> O valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return run(step, null, Shape.VALUE, body, compensation);
  }

  /** Runs a step with a plain return type that may have no output; see {@link #step(StepSpec, Condition, StepBody, Compensation)}. */
  public <O> Optional<O> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return Optional.ofNullable(run(step, when, Shape.VALUE, body, compensation));
  }

  /** Runs a step that returns {@code void}. */
  public void voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    run(step, null, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  /** Runs a conditional step that returns {@code void}. */
  public void voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    run(step, when, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  /**
   * Runs a step that runs a child workflow: its output is the child's result, and its compensation
   * compensates the child's completed steps as a unit.
   */
  public <R> R childStep(StepSpec step, ChildBody<R> body) {
    return run(step, null, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE);
  }

  /** Runs a child-workflow step that may have no output; see {@link #step(StepSpec, Condition, StepBody, Compensation)}. */
  public <R> Optional<R> childStep(StepSpec step, Condition when, ChildBody<R> body) {
    return Optional.ofNullable(run(step, when, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE));
  }

  /**
   * Runs a step that takes a {@code java.sql.Connection}: its work commits with its checkpoint (see
   * {@link TransactionalStepMachine}).
   */
  public <O, C> O transactionalStep(StepSpec step, TransactionalBody<O, C> body, Compensation<? super C> compensation) {
    return runMachine(new TransactionalStepMachine<>(this, step, null, true, body), compensation);
  }

  /** Runs a conditional step that takes a {@code java.sql.Connection}; empty if it has no output. */
  public <O, C> Optional<O> transactionalStep(
      StepSpec step, Condition when, TransactionalBody<O, C> body, Compensation<? super C> compensation) {
    return Optional.ofNullable(runMachine(new TransactionalStepMachine<>(this, step, when, true, body), compensation));
  }

  /**
   * Runs a {@code @Hook}: {@code input} builds the hook's input, then the registered handler (if
   * any) handles it; the handler's compensation runs if a later step fails.
   */
  public <T> void hook(StepSpec step, HookSlot<T> slot, ValueBody<T> input) {
    run(step, null, Shape.RESPONSE, Bodies.hook(slot, input), Bodies.hookCompensation(slot));
  }

  /** Runs a conditional {@code @Hook}. */
  public <T> void hook(StepSpec step, Condition when, HookSlot<T> slot, ValueBody<T> input) {
    run(step, when, Shape.RESPONSE, Bodies.hook(slot, input), Bodies.hookCompensation(slot));
  }

  /** Starts a {@code @Parallel} group: its steps run concurrently, and {@link Group#join()} waits for all. */
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

  /**
   * Runs a step to its outcome on this thread and settles it: its output, null if it has none. The
   * run's steps follow each other, so one machine serves them all.
   */
  @SuppressWarnings("unchecked")
  private <O> O run(StepSpec step, Condition when, Shape shape, Object body, Compensation<?> compensation) {
    SyncStepMachine<Object, Object> machine = this.machine;
    if (machine == null) {
      machine = new SyncStepMachine<>(this);
      this.machine = machine;
    }
    return (O) runMachine(machine.prepare(step, when, shape, body), (Compensation<Object>) compensation);
  }

  /** Runs a step's machine to its outcome on this thread and settles it: its output, null if it has none. */
  private <O, C> O runMachine(StepMachine<O, C> machine, Compensation<? super C> compensation) {
    if (noWaitFailed()) {
      throw halt(List.of()); // a noWait step failed: this step does not start
    }
    machine.compensatedBy(compensation).run();
    WorkflowSuspendedException suspended = suspension();
    if (suspended != null) {
      throw stopped(suspended);
    }
    Settlement.Failure failure = Settlement.settle(this, machine, compensation);
    if (failure != null) {
      throw halt(List.of(failure));
    }
    return machine.output();
  }

  /**
   * Waits for the {@code noWait} steps that still run, once the other steps are over, and settles
   * them: whether one failed so that the run halts.
   *
   * @throws WorkflowSuspendedException if a durable run could not record a {@code noWait} step
   */
  private boolean awaitNoWaits() {
    CompletableFuture<Void> running = noWaitsRunning();
    if (running != null) {
      driver().await(this, running, null); // blocks
    }
    WorkflowSuspendedException suspended = noWaitSuspension();
    if (suspended != null) {
      throw stopped(suspended);
    }
    return noWaitFailed();
  }

  /** Halts the run after the failures, and compensates it on this thread: the {@link Halt} to throw. */
  private Halt halt(List<Settlement.Failure> failed) {
    try {
      return await(Compensator.halt(this, failed));
    } catch (WorkflowSuspendedException suspended) {
      throw stopped(suspended);
    }
  }

  /**
   * Waits for what a halted run or a durable run's end comes to; rethrows a {@link
   * WorkflowSuspendedException} (a durable run that stops at this checkpoint) as it is.
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Records a durable run's end: null if it is recorded (always for a run that is not recorded), or
   * the failure that halts the run if a value of it cannot be recorded.
   *
   * @throws WorkflowSuspendedException if the store could not record it
   */
  private Settlement.Failure recordEndOrStop(RunRecord.Status status, Object result) {
    if (journal == null) {
      return null;
    }
    try {
      recordEnd(status, result).join();
      return null;
    } catch (CompletionException e) {
      if (e.getCause() instanceof UnrecordableValueException unrecordable && status == RunRecord.Status.DONE) {
        return unrecordableEnd(unrecordable);
      }
      WorkflowSuspendedException suspended = suspension();
      if (suspended != null) {
        throw stopped(suspended);
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      broken(cause); // leaves the registry, lets go of the transaction id, logs
      throw cause instanceof RuntimeException unexpected ? unexpected : e;
    }
  }

  // ---------------------------------------------------------------- endings

  /**
   * Ends a run whose steps all completed (or failed with a tolerated failure, listed in its errors).
   * A run that was cancelled while its last step ran is compensated instead, and ends like {@link #halted}.
   *
   * @throws WorkflowFailedException for such a cancelled run, unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> done(R result) {
    if (awaitNoWaits()) {
      return halted(halt(List.of()));
    }
    Settlement.Failure cancelled = endSteps();
    if (cancelled != null) {
      return halted(halt(List.of(cancelled)));
    }
    Settlement.Failure unrecordable = recordEndOrStop(RunRecord.Status.DONE, result);
    if (unrecordable != null) {
      return halted(halt(List.of(unrecordable)));
    }
    return endDone(result);
  }

  /**
   * Ends a run that a failed step halted, after its compensations ran.
   *
   * @throws WorkflowFailedException unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> halted(Halt halt) {
    recordEndOrStop(record().status(), null);
    WorkflowResult<R> result = endHalted();
    if (!options().throwOnError()) {
      return result;
    }
    throw failedException(result);
  }

  /** Ends a child run whose steps all completed; its completed steps stay for the parent to compensate. */
  public <R> ChildRun<R> childDone(R result) {
    if (awaitNoWaits()) {
      throw childFailed(halt(List.of()));
    }
    Settlement.Failure abandoned = endSteps();
    if (abandoned != null) {
      throw childFailed(halt(List.of(abandoned)));
    }
    Settlement.Failure unrecordable = recordEndOrStop(RunRecord.Status.DONE, result);
    if (unrecordable != null) {
      throw childFailed(halt(List.of(unrecordable)));
    }
    return endChildDone(result);
  }

  /**
   * Ends a child run that a failed step halted, after it compensated itself: the exception that
   * fails the parent's step, with the child's result.
   */
  public WorkflowFailedException childFailed(Halt halt) {
    recordEndOrStop(record().status(), null);
    return failedException(endHalted());
  }

  // ---------------------------------------------------------------- parallel groups

  /**
   * A {@code @Parallel} group of a synchronous run: each step starts on the run's executor when it
   * is added, and {@link #join()} waits for all of them; see {@link GroupCoordinator}. Not API.
   */
  public static final class Group extends GroupSteps {
    Group(GroupCoordinator coordinator) {
      super(coordinator);
    }

    /**
     * Waits for every step of the group, then settles them in the order they completed.
     *
     * @throws Halt if a step failed: the group's completed steps and the earlier steps are compensated
     */
    public void join() {
      Halt halt;
      try {
        halt = await(coordinator.join());
      } catch (WorkflowSuspendedException suspended) {
        throw coordinator.run().stopped(suspended);
      }
      if (halt != null) {
        throw halt;
      }
    }
  }

  /** Why a completed future failed, unwrapped; null if it did not. */
  static Throwable failureOf(CompletableFuture<?> done) {
    return done.isCompletedExceptionally() ? unwrap(done.handle((ignored, error) -> error).join()) : null;
  }

  /** The cause of a failed {@code CompletionStage}: unwrapped from its {@code CompletionException}. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /** One step of a {@link Group}; its output is readable after {@link Group#join()}. Not API. */
  public static final class Branch<O, C> {
    private final StepMachine<O, C> machine;
    private final Compensation<? super C> compensation;
    /** Completes when the step has its outcome. */
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile int order;
    private O output;

    Branch(StepMachine<O, C> machine, Compensation<? super C> compensation) {
      this.machine = machine;
      this.compensation = compensation;
    }

    /** The step has its outcome, the {@code completions}-th of its group. */
    void finish(AtomicInteger completions) {
      // a durable run's checkpoints are numbered in the order the steps finished; a replayed step
      // keeps its recorded number, so that the group settles (and compensates) as it first did
      this.order = machine.recording != null ? machine.recording.sequence : completions.incrementAndGet();
      finished.complete(null);
    }

    /** In which order the step finished in its group: 1 for the first. */
    int order() {
      return order;
    }

    /** Settles the finished step: null if the run goes on, else the failure that halts it. */
    Settlement.Failure settle(Execution run) {
      Settlement.Failure failure = Settlement.settle(run, machine, compensation);
      output = machine.output();
      return failure;
    }

    /** The step's output: null if it was skipped or failed with a tolerated failure. */
    public O output() {
      return output;
    }

    /** The step's output, empty if it was skipped or failed with a tolerated failure. */
    public Optional<O> optionalOutput() {
      return Optional.ofNullable(output);
    }

    @Override
    public String toString() {
      return machine.step.name() + (machine.skipped() ? " (skipped)" : "");
    }
  }

  /**
   * Thrown by a step method after a failed step was compensated; the generated runner catches it
   * and calls {@link #halted(Halt)}. It carries no state and no stack trace. Not API.
   */
  public static final class Halt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Halt() {
      super("workflow halted by a failed step", null, false, false);
    }
  }
}
