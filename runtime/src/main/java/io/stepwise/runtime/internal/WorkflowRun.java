package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The state of one run of a workflow, driven by a generated runner. Not API.
 *
 * <p>A generated {@code run} method starts a run, calls one of the {@code step} methods per step in
 * declaration order, passing each step's output on in local variables, and ends with {@link
 * #done(Object)}. When a step fails (after its retries), the step method compensates every completed
 * step in reverse order of completion and throws {@link Halt}, which the runner catches and turns
 * into the run's result with {@link #halted(Halt)}. Steps of a {@code @Parallel} group are started
 * together through a {@link Group} and joined before the next step.
 *
 * <p>A run belongs to the thread that runs it (a group's steps run on the run's executor, and hand
 * their outcomes back at {@link Group#join()}); one runner starts any number of runs concurrently.
 */
public final class WorkflowRun {
  /** The MDC key of the transaction id, set while a run is in progress. */
  public static final String MDC_TRANSACTION_ID = "stepwise.transactionId";
  /** The MDC key of the workflow's name, set while a run is in progress. */
  public static final String MDC_WORKFLOW = "stepwise.workflow";
  /** The MDC key of the step's name, set while a step, condition or compensation runs. */
  public static final String MDC_STEP = "stepwise.step";

  private static final Logger log = LoggerFactory.getLogger(WorkflowRun.class);
  private static final Halt HALT = new Halt();
  static final StepResponse<Void, Void> VOID_RESPONSE = new StepResponse<>(null, null);

  private final WorkflowSpec spec;
  private final RunOptions options;
  private final Container container;
  private final String transactionId;
  private final RunRegistry registry;
  /** The run whose step runs this one as a child workflow; null for a top-level run. */
  private final WorkflowRun parent;
  /**
   * The attempt of the parent's step that runs this child; null for a top-level run. When the parent
   * stops waiting for it (the attempt timed out), the child stops as if cancelled: see {@link #isCancelled()}.
   */
  private final Context parentStep;
  private final List<WorkflowListener> listeners;
  /** {@link System#nanoTime()} at which the workflow's timeout expires; only if {@link #hasDeadline}. */
  private final long deadline;
  private final boolean hasDeadline;
  /**
   * Whether the run goes on in segments, on whichever thread completes a step's {@code
   * CompletionStage}: each segment sets the MDC itself, so {@link #begin()} and {@link #finish} leave
   * the thread's MDC alone.
   */
  private final boolean async;
  /** How the run waits: {@link Driver#TIMERS} if {@link #async}, else {@link Driver#BLOCKING}. */
  private final Driver driver;
  private final String outerTransactionId;
  private final String outerWorkflow;
  /**
   * The MDC of the thread that started an asynchronous run (a request id, say), which every segment
   * of the run carries, wherever it runs; null if that MDC was empty, and for a synchronous run.
   */
  private final Map<String, String> callerMdc;
  /** Ends an asynchronous run's future on a fatal error; null for a synchronous run. */
  private volatile Consumer<Throwable> crashHandler;
  /** The run's facts: its steps' records, the compensation stack, errors, status, a cancel request. */
  private final RunRecord record;
  /** The compensation of each step on the stack, by position: what the record cannot hold. */
  private final Compensation<?>[] compensations;

  private WorkflowRun(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      Context parentStep, String transactionId, boolean async) {
    this.spec = spec;
    this.async = async;
    this.driver = async ? Driver.TIMERS : Driver.BLOCKING;
    this.options = options;
    this.container = container;
    this.registry = registry;
    this.parent = parentStep == null ? null : parentStep.run();
    this.parentStep = parentStep;
    this.listeners = options.listeners();
    this.transactionId = transactionId;
    long own = spec.timeoutMillis() > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.timeoutMillis()) : 0;
    boolean ownDeadline = spec.timeoutMillis() > 0;
    long deadlineMillis;
    if (parent != null && parent.hasDeadline && (!ownDeadline || parent.deadline - own < 0)) {
      this.deadline = parent.deadline; // a child never outlives its parent's deadline
      this.hasDeadline = true;
      deadlineMillis = parent.record.deadlineMillis;
    } else {
      this.deadline = own;
      this.hasDeadline = ownDeadline;
      deadlineMillis = ownDeadline ? System.currentTimeMillis() + spec.timeoutMillis() : 0;
    }
    int steps = spec.steps().size();
    this.record = new RunRecord(spec.name(), transactionId, steps, deadlineMillis);
    this.compensations = new Compensation<?>[steps];
    this.outerTransactionId = async ? null : MDC.get(MDC_TRANSACTION_ID);
    this.outerWorkflow = async ? null : MDC.get(MDC_WORKFLOW);
    Map<String, String> callerMdc = async ? MDC.getCopyOfContextMap() : null;
    this.callerMdc = callerMdc == null || callerMdc.isEmpty() ? null : callerMdc;
  }

  /** Starts a run that cannot be cancelled through a runner. */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container) {
    return start(spec, options, container, null);
  }

  /** Starts a run: fixes its transaction id, sets the MDC, registers it for {@code cancel}. */
  public static WorkflowRun start(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry) {
    return create(spec, options, container, registry, false).begin();
  }

  /** A top-level run, not begun yet: its transaction id is fixed, nothing else happened. */
  static WorkflowRun create(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      boolean async) {
    if (options == null) {
      throw new NullPointerException("RunOptions of workflow '" + spec.name() + "' must not be null; use RunOptions.defaults()");
    }
    return new WorkflowRun(spec, options, container, registry, null,
        options.transactionId().orElseGet(TransactionIds::next), async);
  }

  /**
   * Starts a run of a child workflow, inside a step of the parent run: its transaction id is the
   * parent's, the step's name and, on a retry, the attempt ({@code tx/create-shipment#2}); it has
   * the parent's listeners and executor, never outlives the parent's deadline, and stops when the
   * parent is cancelled.
   */
  public static WorkflowRun startChild(WorkflowSpec spec, StepContext parentStep, Container container) {
    return createChild(spec, parentStep, container, false).begin();
  }

  /** A child run, not begun yet; see {@link #startChild}. */
  static WorkflowRun createChild(WorkflowSpec spec, StepContext parentStep, Container container, boolean async) {
    if (!(parentStep instanceof Context context)) {
      throw new IllegalArgumentException("runAsChild needs the StepContext of a running step, got " + parentStep);
    }
    WorkflowRun parent = context.run();
    String id = parent.transactionId + "/" + parentStep.stepName()
        + (parentStep.attempt() > 1 ? "#" + parentStep.attempt() : "");
    return new WorkflowRun(spec, parent.options, container, null, context, id, async);
  }

  WorkflowRun begin() {
    WorkflowRun run = this;
    if (!async) {
      MDC.put(MDC_TRANSACTION_ID, run.transactionId);
      MDC.put(MDC_WORKFLOW, spec.name());
    }
    if (registry != null) {
      registry.add(run);
    }
    log.debug("Workflow '{}' ({}) started{}", spec.name(), run.transactionId,
        parent == null ? "" : " as a child of '" + parent.spec.name() + "'");
    if (!run.listeners.isEmpty()) { // the common case has none: allocate nothing for them
      WorkflowEvent event = new WorkflowEvent(spec.name(), run.transactionId);
      run.fire(listener -> listener.onBegin(event));
    }
    return run;
  }

  public String transactionId() {
    return transactionId;
  }

  WorkflowSpec spec() {
    return spec;
  }

  Driver driver() {
    return driver;
  }

  /** Where the run's concurrent work goes on: {@link RunOptions#executor()}, or Stepwise's pool. */
  Executor executor() {
    return options.executor().orElseGet(Scheduling::pool);
  }

  /**
   * Runs {@code body} with the run's MDC keys set (over the MDC of the thread that started an
   * asynchronous run), and restores the thread's own afterwards: each segment of an asynchronous
   * run, on whichever thread it runs.
   */
  void inScope(Runnable body) {
    // an asynchronous run's segments carry the caller's MDC (or none), whatever the thread had;
    // a synchronous run (a child compensated as a unit) adds its keys to the thread's
    Map<String, String> outer = MDC.getCopyOfContextMap();
    Map<String, String> scope = callerMdc != null ? new HashMap<>(callerMdc)
        : async || outer == null ? new HashMap<>() : new HashMap<>(outer);
    scope.put(MDC_TRANSACTION_ID, transactionId);
    scope.put(MDC_WORKFLOW, spec.name());
    Mdc.with(scope, body);
  }

  /**
   * Goes on with the run on its executor, in scope: after a step's {@code CompletionStage}
   * completed on a thread that is not the run's (an HTTP client's, say), or after a timer. If the
   * executor refuses the task, the run goes on where it is rather than being lost.
   */
  void hop(Runnable body) {
    Runnable segment = () -> {
      try {
        inScope(body);
      } catch (RuntimeException | Error e) {
        // a bug, or a fatal error of the JVM: the executor would swallow it, and the run would wait forever
        log.error("Workflow '{}' ({}) a segment of the run failed; the run cannot go on", spec.name(), transactionId, e);
        throw e;
      }
    };
    try {
      executor().execute(segment);
    } catch (RejectedExecutionException e) {
      // never go on inline: this may be the timer's thread, or the thread of whoever completed a stage
      log.warn("Workflow '{}' ({}) executor rejected the run's next segment; it goes on in Stepwise's pool",
          spec.name(), transactionId);
      Scheduling.pool().execute(segment);
    }
  }

  /** Asks the run to stop before its next step (or attempt) and compensate. */
  boolean cancel() {
    return record.requestCancel();
  }

  RunRecord record() {
    return record;
  }

  /** The compensation of each step on the stack, by position. */
  Compensation<?>[] compensations() {
    return compensations;
  }

  /** The position of a step in the workflow, and in the run's record. */
  int position(StepSpec step) {
    List<StepSpec> steps = spec.steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) == step) {
        return i;
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(step.name())) {
        return i;
      }
    }
    throw new IllegalStateException("step '" + step.name() + "' is not a step of workflow '" + spec.name() + "' "
        + steps + "; the runner and its WorkflowSpec disagree: generate the runner again with this version of Stepwise");
  }

  boolean isCancelled() {
    // A child also stops when its parent's step gave up waiting for it (an asynchronous attempt that
    // timed out): otherwise the abandoned child would go on with its next steps once its current one
    // completed, and nothing would ever compensate them. Stopped, it compensates itself.
    return record.cancelRequested() || (parent != null && (parentStep.abandoned || parent.isCancelled()));
  }

  // ---------------------------------------------------------------- steps

  /** Runs a step that returns a {@link StepResponse}; returns its output. */
  public <O, C> O step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    return runStep(step, null, body, compensation);
  }

  /** Runs a step to its outcome on this thread and settles it; null if it has no output. */
  private <O, C> O runStep(StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    SyncStepMachine<O, C> machine = new SyncStepMachine<>(this, driver, step, when, true, body);
    machine.run();
    Settlement.Failure failure = Settlement.settle(this, machine, compensation);
    if (failure != null) {
      throw compensate(List.of(failure));
    }
    return machine.output();
  }

  /** Halts the run after the failures, and compensates it on this thread: the {@link Halt} to throw. */
  private Halt compensate(List<Settlement.Failure> failed) {
    return Compensator.halt(this, failed).join();
  }

  /**
   * Runs a step that may have no output: skipped by its condition, or failed with
   * {@code continueOnPermanentFailure}/{@code skipOnPermanentFailure}. Empty then.
   */
  public <O, C> Optional<O> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return Optional.ofNullable(runStep(step, when, body, compensation));
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> O valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return step(step, value(body), compensation);
  }

  /** Runs a step with a plain return type that may have no output; see {@link #step(StepSpec, Condition, StepBody, Compensation)}. */
  public <O> Optional<O> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return Optional.ofNullable(runStep(step, when, value(body), compensation));
  }

  /** Runs a step that returns {@code void}. */
  public void voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    step(step, nothing(body), adapt(compensation));
  }

  /** Runs a conditional step that returns {@code void}. */
  public void voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    runStep(step, when, nothing(body), adapt(compensation));
  }

  /**
   * Runs a step that runs a child workflow: its output is the child's result, and its compensation
   * compensates the child's completed steps as a unit.
   */
  public <R> R childStep(StepSpec step, ChildBody<R> body) {
    return step(step, childBody(body), ChildCompensation.INSTANCE);
  }

  /** Runs a child-workflow step that may have no output; see {@link #step(StepSpec, Condition, StepBody, Compensation)}. */
  public <R> Optional<R> childStep(StepSpec step, Condition when, ChildBody<R> body) {
    return Optional.ofNullable(runStep(step, when, childBody(body), ChildCompensation.INSTANCE));
  }

  static <R> StepBody<R, ChildRun<R>> childBody(ChildBody<R> body) {
    return context -> {
      ChildRun<R> child = body.invoke(context);
      return new StepResponse<R, ChildRun<R>>(child.result(), child);
    };
  }

  /**
   * The compensation of a child-workflow step: the child's completed steps, as a unit. A class of
   * its own, so that an asynchronous run can tell it apart and compensate the child without a
   * waiting thread ({@code AsyncRun}).
   */
  static final class ChildCompensation implements Compensation<ChildRun<?>> {
    static final ChildCompensation INSTANCE = new ChildCompensation();

    @Override
    public void compensate(ChildRun<?> child, StepContext context) {
      Throwable failure = Compensator.compensateUnit(child.run(), Driver.BLOCKING).join();
      if (failure instanceof RuntimeException e) {
        throw e;
      }
    }
  }

  /**
   * Runs a {@code @Hook}: {@code input} builds the hook's input, then the registered handler (if
   * any) handles it; the handler's compensation runs if a later step fails.
   */
  public <T> void hook(StepSpec step, HookSlot<T> slot, ValueBody<T> input) {
    step(step, hookBody(slot, input), WorkflowRun::compensateHook);
  }

  /** Runs a conditional {@code @Hook}. */
  public <T> void hook(StepSpec step, Condition when, HookSlot<T> slot, ValueBody<T> input) {
    runStep(step, when, hookBody(slot, input), WorkflowRun::compensateHook);
  }

  /** A hook's handler call: what its compensation needs. */
  static final class HookCall<T> {
    final HookSlot.Registration<T> registration;
    final T input;

    HookCall(HookSlot.Registration<T> registration, T input) {
      this.registration = registration;
      this.input = input;
    }
  }

  static <T> StepBody<Void, HookCall<T>> hookBody(HookSlot<T> slot, ValueBody<T> input) {
    return context -> {
      T value = input.invoke(context);
      HookSlot.Registration<T> registration = slot.current();
      if (registration != null) {
        registration.handler.handle(value, context);
      }
      return new StepResponse<Void, HookCall<T>>(null, new HookCall<>(registration, value));
    };
  }

  static <T> void compensateHook(HookCall<T> call, StepContext context) throws Exception {
    if (call.registration != null && call.registration.compensation != null) {
      call.registration.compensation.compensate(call.input, context);
    }
  }

  /** Starts a {@code @Parallel} group: its steps run concurrently, and {@link Group#join()} waits for all. */
  public Group parallel(String name) {
    return new Group(name);
  }

  static <O> StepBody<O, O> value(ValueBody<O> body) {
    return context -> {
      O output = body.invoke(context);
      return new StepResponse<O, O>(output, output);
    };
  }

  static StepBody<Void, Void> nothing(VoidBody body) {
    return context -> {
      body.invoke(context);
      return VOID_RESPONSE;
    };
  }

  static Compensation<Void> adapt(VoidCompensation compensation) {
    return compensation == null ? null : (Void ignored, StepContext context) -> compensation.compensate(context);
  }

  // ---------------------------------------------------------------- endings

  /**
   * Ends a run whose steps all completed (or failed with a tolerated failure, listed in its errors).
   * A run that was cancelled while its last step ran is compensated instead, and ends like {@link #halted}.
   *
   * @throws WorkflowFailedException for such a cancelled run, unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> done(R result) {
    Settlement.Failure cancelled = cancelledDuringLastStep();
    if (cancelled != null) {
      return halted(compensate(List.of(cancelled)));
    }
    return completeDone(result);
  }

  /**
   * The steps are over. If a cancel came while the last step ran, the failure that compensates the
   * run, as a cancel that returned true promises; else null, and no cancel can come any more.
   */
  Settlement.Failure cancelledDuringLastStep() {
    if (parent != null) {
      // A child's result goes to its parent's step, which compensates the child if the parent is
      // cancelled later. But a parent step that stopped waiting (its attempt timed out, or a
      // synchronous parent's wait was interrupted and cancelled the child) takes no result: then
      // nobody would ever compensate the child, so it compensates itself.
      boolean cancelledItself = record.endSteps();
      if (!cancelledItself && !parentStep.abandoned) {
        return null;
      }
      return lastStepFailed(new WorkflowCancelledException("child workflow '" + spec.name()
          + "' (transaction " + transactionId + ") ended after its parent's step '" + parentStep.stepName()
          + "' stopped waiting for it; its completed steps are compensated"));
    }
    if (registry == null || !record.endSteps()) {
      return null; // a run without a registry cannot be cancelled
    }
    return lastStepFailed(new WorkflowCancelledException("workflow '" + spec.name()
        + "' (transaction " + transactionId + ") was cancelled during its last step '" + lastStep().name()
        + "'; the completed steps are compensated"));
  }

  private StepSpec lastStep() {
    List<StepSpec> steps = spec.steps();
    return steps.get(steps.size() - 1);
  }

  /** The run's last step fails, never attempted again, with {@code cause}: its earlier work is compensated. */
  private Settlement.Failure lastStepFailed(Throwable cause) {
    return new Settlement.Failure(lastStep(), spec.steps().size() - 1, cause, 0, false);
  }

  /** Ends a run whose steps are over and that was not cancelled: DONE. */
  <R> WorkflowResult<R> completeDone(R result) {
    record.status(RunRecord.Status.DONE);
    log.debug("Workflow '{}' ({}) done", spec.name(), transactionId);
    return finish(new WorkflowResult<>(spec.name(), transactionId, WorkflowStatus.DONE, result, record.errors()));
  }

  /**
   * Ends a run that a failed step halted, after its compensations ran.
   *
   * @throws WorkflowFailedException unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> halted(Halt halt) {
    if (!isHalted()) {
      throw new IllegalStateException("workflow '" + spec.name() + "' was not halted by a failed step");
    }
    WorkflowResult<R> result = finish(new WorkflowResult<>(spec.name(), transactionId, record.status().ended(), null,
        record.errors()));
    if (!options.throwOnError()) {
      return result;
    }
    throw failedException(result);
  }

  /** Whether a failed step halted the run and its compensations are over. */
  private boolean isHalted() {
    RunRecord.Status status = record.status();
    return record.failure() != null && (status == RunRecord.Status.REVERTED || status == RunRecord.Status.FAILED);
  }

  private WorkflowFailedException failedException(WorkflowResult<?> result) {
    WorkflowFailedException exception = new WorkflowFailedException(
        "Workflow '" + spec.name() + "' (transaction " + transactionId + ") ended " + result.status()
            + ": step '" + record.failedStep() + "' failed: " + record.failure(),
        result, record.failure());
    for (StepError error : record.errors()) {
      if (error.phase() == StepPhase.COMPENSATE) {
        exception.addSuppressed(error.cause());
      }
    }
    return exception;
  }


  /** Ends a child run whose steps all completed; its completed steps stay for the parent to compensate. */
  public <R> ChildRun<R> childDone(R result) {
    Settlement.Failure abandoned = cancelledDuringLastStep();
    if (abandoned != null) {
      throw childFailed(compensate(List.of(abandoned)));
    }
    return childRun(result);
  }

  /** Ends a child run whose steps are over and that its parent still waits for: DONE. */
  <R> ChildRun<R> childRun(R result) {
    completeDone(result);
    return new ChildRun<>(result, this);
  }

  /**
   * Ends a child run that a failed step halted, after it compensated itself: the exception that
   * fails the parent's step, with the child's result.
   */
  public WorkflowFailedException childFailed(Halt halt) {
    if (!isHalted()) {
      throw new IllegalStateException("child workflow '" + spec.name() + "' was not halted by a failed step");
    }
    return failedException(finish(new WorkflowResult<>(spec.name(), transactionId, record.status().ended(), null,
        record.errors())));
  }


  /**
   * A run whose generated code failed with an unexpected exception (a bug in Stepwise): it leaves the
   * registry, and the exception is logged and returned for the run's future.
   */
  Throwable broken(Throwable cause) {
    if (registry != null) {
      registry.remove(this);
    }
    log.error("Workflow '{}' ({}) broke down; this is a bug in Stepwise", spec.name(), transactionId, cause);
    return cause;
  }

  private <R> WorkflowResult<R> finish(WorkflowResult<R> result) {
    if (registry != null) {
      registry.remove(this);
    }
    if (!listeners.isEmpty()) {
      fire(listener -> listener.onFinish(result));
    }
    if (!async) {
      restore(MDC_TRANSACTION_ID, outerTransactionId);
      restore(MDC_WORKFLOW, outerWorkflow);
    }
    return result;
  }

  // ---------------------------------------------------------------- executing one step

  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  /** Fires onStepBegin for an attempt. */
  void beginAttempt(Context context) {
    if (!listeners.isEmpty()) {
      fire(listener -> listener.onStepBegin(context));
    }
  }

  /**
   * How long the next attempt of a step may take, in nanoseconds: the step's timeout, or what is left
   * of the workflow's if that is shorter; {@code Long.MAX_VALUE} if neither is set.
   */
  long attemptTimeoutNanos(StepSpec step) {
    long stepTimeout = step.timeoutMillis() > 0 ? TimeUnit.MILLISECONDS.toNanos(step.timeoutMillis()) : Long.MAX_VALUE;
    long workflowLeft = hasDeadline ? deadline - System.nanoTime() : Long.MAX_VALUE;
    return Math.min(stepTimeout, workflowLeft);
  }

  /** Whether a timeout of {@code timeoutNanos} for the step is the workflow's deadline, not the step's own. */
  boolean isWorkflowLimit(StepSpec step, long timeoutNanos) {
    return step.timeoutMillis() <= 0 || timeoutNanos < TimeUnit.MILLISECONDS.toNanos(step.timeoutMillis());
  }

  /** The failure of an attempt that ran out of time: the step's timeout, or the workflow's. */
  RuntimeException timedOut(Context context, boolean workflowLimited) {
    StepSpec step = context.step;
    if (workflowLimited) {
      return new WorkflowTimeoutException(workflowTimeoutMessage(step));
    }
    return new StepTimeoutException("step '" + step.name() + "' timed out after " + step.timeoutMillis()
        + " ms on attempt " + context.attempt());
  }

  private String workflowTimeoutMessage(StepSpec step) {
    return "workflow '" + spec.name() + "' timed out after " + spec.timeoutMillis() + " ms, in step '" + step.name() + "'";
  }

  /** Why no further step or attempt may start: cancelled, or past the workflow's timeout. */
  Throwable stopReason(StepSpec step) {
    if (isCancelled()) {
      return new WorkflowCancelledException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") was cancelled before step '" + step.name() + "'");
    }
    if (hasDeadline && System.nanoTime() - deadline >= 0) {
      return new WorkflowTimeoutException("workflow '" + spec.name() + "' timed out after " + spec.timeoutMillis()
          + " ms, before step '" + step.name() + "'");
    }
    return null;
  }

  /**
   * The pause before the retry after {@code attempt}, in nanoseconds; a step's pause is cut at the
   * workflow's deadline, and is -1 if the deadline has passed (no retry).
   */
  long retryDelayNanos(StepSpec step, int attempt, boolean compensating) {
    long delay = TimeUnit.MILLISECONDS.toNanos(step.retryDelayMillis(attempt));
    if (!compensating && hasDeadline && delay > 0) {
      // a step's retries are bounded by the workflow's timeout: never pause past the deadline
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      delay = Math.min(delay, left);
    }
    return delay;
  }

  /** The compensations ran: the run ends REVERTED, or FAILED if one of them failed for good. */
  Halt endCompensation(boolean allCompensated) {
    RunRecord.Status status = allCompensated ? RunRecord.Status.REVERTED : RunRecord.Status.FAILED;
    record.status(status);
    log.info("Workflow '{}' ({}) {}", spec.name(), transactionId, status);
    return HALT;
  }

  /** A step's compensation succeeded on this attempt. */
  void compensated(Context context) {
    log.debug("Workflow '{}' ({}) step '{}' compensated on attempt {}", spec.name(), transactionId, context.step.name(),
        context.attempt);
    fire(listener -> listener.onCompensateStepSuccess(context));
  }

  /**
   * Rethrows a fatal error of the JVM, after handing it to the run's crash handler: in an
   * asynchronous run the error is thrown inside a callback, which would swallow it and leave the
   * run's future pending forever.
   */
  void fatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      Consumer<Throwable> handler = crashHandler;
      if (handler != null) {
        try {
          handler.accept(error);
        } catch (RuntimeException ignored) {
          // the error below is what matters
        }
      }
      throw error;
    }
  }

  /** Sets what ends an asynchronous run's future when a fatal error breaks the run. */
  void onCrash(Consumer<Throwable> handler) {
    this.crashHandler = handler;
  }

  /** Calls every listener; a listener that throws is logged and never changes the run. */
  void fire(Consumer<WorkflowListener> event) {
    for (int i = 0; i < listeners.size(); i++) {
      WorkflowListener listener = listeners.get(i);
      try {
        event.accept(listener);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.warn("Workflow '{}' ({}) listener {} threw; ignored", spec.name(), transactionId, listener, e);
      }
    }
  }

  /**
   * Sets the step's MDC key and returns its previous value, which the caller restores: a step may run
   * a workflow of its own, whose steps must not erase the outer step's key.
   */
  static String enterStep(StepSpec step) {
    String outer = MDC.get(MDC_STEP);
    MDC.put(MDC_STEP, step.name());
    return outer;
  }

  static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  // ---------------------------------------------------------------- parallel groups

  /**
   * A {@code @Parallel} group: each step starts on the run's executor when it is added, and
   * {@link #join()} waits for all of them. Then the completed steps join the run's compensation
   * stack in the order they completed; if any failed, the others have run to completion, and every
   * completed step of the group is compensated, then the earlier steps. Not API.
   */
  public final class Group {
    final GroupCoordinator coordinator;

    private Group(String name) {
      this.coordinator = new GroupCoordinator(WorkflowRun.this, name);
    }

    public <O, C> Branch<O, C> step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
      return start(step, null, body, compensation);
    }

    public <O, C> Branch<O, C> step(StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
      return start(step, when, body, compensation);
    }

    public <O> Branch<O, O> valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
      return start(step, null, value(body), compensation);
    }

    public <O> Branch<O, O> valueStep(StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
      return start(step, when, value(body), compensation);
    }

    public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, ChildBody<R> body) {
      return start(step, null, childBody(body), ChildCompensation.INSTANCE);
    }

    public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, Condition when, ChildBody<R> body) {
      return start(step, when, childBody(body), ChildCompensation.INSTANCE);
    }

    public Branch<Void, Void> voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
      return start(step, null, nothing(body), adapt(compensation));
    }

    public Branch<Void, Void> voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
      return start(step, when, nothing(body), adapt(compensation));
    }

    private <O, C> Branch<O, C> start(StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
      return coordinator.start(new SyncStepMachine<>(WorkflowRun.this, driver, step, when, false, body), compensation);
    }

    /**
     * Waits for every step of the group, then settles them in the order they completed.
     *
     * @throws Halt if a step failed: the group's completed steps and the earlier steps are compensated
     */
    public void join() {
      Halt halt = coordinator.join().join();
      if (halt != null) {
        throw halt;
      }
    }
  }

  /** The cause of a failed {@code CompletionStage}: unwrapped from its {@code CompletionException}. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /** One step of a {@link Group}; its output is readable after {@link Group#join()}. Not API. */
  public static final class Branch<O, C> {
    private final StepMachine<O, C> machine;
    private final Compensation<? super C> compensation;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile int order;
    private O output;

    Branch(StepMachine<O, C> machine, Compensation<? super C> compensation) {
      this.machine = machine;
      this.compensation = compensation;
    }

    void complete(AtomicInteger completions) {
      this.order = completions.incrementAndGet();
      done.complete(null);
    }

    /** Settles the finished step: null if the run goes on, else the failure that halts it. */
    Settlement.Failure settle(WorkflowRun run) {
      Settlement.Failure failure = Settlement.settle(run, machine, compensation);
      output = machine.output();
      return failure;
    }

    /** In which order the step completed in its group: 1 for the first. */
    int order() {
      return order;
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

  // ---------------------------------------------------------------- context

  /** The {@link StepContext} of one attempt. */
  final class Context implements StepContext {
    private final StepSpec step;
    private final int attempt;
    private final boolean compensating;
    /** Whether the run stopped waiting for this attempt (it timed out); a child run it started then stops. */
    private volatile boolean abandoned;

    Context(StepSpec step, int attempt, boolean compensating) {
      this.step = step;
      this.attempt = attempt;
      this.compensating = compensating;
    }

    WorkflowRun run() {
      return WorkflowRun.this;
    }

    /** The run no longer waits for this attempt: a child workflow it started stops before its next step. */
    void abandon() {
      abandoned = true;
    }

    @Override public String transactionId() { return transactionId; }
    @Override public String workflowName() { return spec.name(); }
    @Override public String stepName() { return step.name(); }
    @Override public int attempt() { return attempt; }
    @Override public boolean compensating() { return compensating; }
    @Override public Container container() { return container; }

    @Override
    public String toString() {
      return "StepContext{workflow=" + spec.name() + ", transactionId=" + transactionId + ", step="
          + step.name() + ", attempt=" + attempt + (compensating ? ", compensating" : "") + "}";
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
