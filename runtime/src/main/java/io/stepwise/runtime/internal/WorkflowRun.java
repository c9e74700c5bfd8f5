package io.stepwise.runtime.internal;

import io.stepwise.runtime.ChildCompensationException;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
  private final String outerTransactionId;
  private final String outerWorkflow;
  /**
   * The MDC of the thread that started an asynchronous run (a request id, say), which every segment
   * of the run carries, wherever it runs; null if that MDC was empty, and for a synchronous run.
   */
  private final Map<String, String> callerMdc;
  private volatile boolean cancelled;
  /** Ends an asynchronous run's future on a fatal error; null for a synchronous run. */
  private volatile Consumer<Throwable> crashHandler;
  /** Set once the steps are over, under the run's lock with {@link #cancel()}. */
  private boolean stepsOver;

  // Touched only by the run's own thread.
  /** Completed steps that have a compensation, the most recent last. */
  private final ArrayDeque<Completed<?>> completed = new ArrayDeque<>();
  private final List<StepError> errors = new ArrayList<>(0);
  private Throwable failure;
  private String failedStep;
  private WorkflowStatus status;

  private WorkflowRun(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry,
      Context parentStep, String transactionId, boolean async) {
    this.spec = spec;
    this.async = async;
    this.options = options;
    this.container = container;
    this.registry = registry;
    this.parent = parentStep == null ? null : parentStep.run();
    this.parentStep = parentStep;
    this.listeners = options.listeners();
    this.transactionId = transactionId;
    long own = spec.timeoutMillis() > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.timeoutMillis()) : 0;
    boolean ownDeadline = spec.timeoutMillis() > 0;
    if (parent != null && parent.hasDeadline && (!ownDeadline || parent.deadline - own < 0)) {
      this.deadline = parent.deadline; // a child never outlives its parent's deadline
      this.hasDeadline = true;
    } else {
      this.deadline = own;
      this.hasDeadline = ownDeadline;
    }
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
  synchronized boolean cancel() {
    if (stepsOver) {
      return false; // too late: the run has ended its steps, and ends as they left it
    }
    cancelled = true;
    return true;
  }

  /**
   * The run's steps are over: from now on a cancel finds nothing to stop. Returns whether a cancel
   * came before, while the last step ran (no later step was left to stop before).
   */
  private synchronized boolean endSteps() {
    stepsOver = true;
    return cancelled;
  }

  boolean isCancelled() {
    // A child also stops when its parent's step gave up waiting for it (an asynchronous attempt that
    // timed out): otherwise the abandoned child would go on with its next steps once its current one
    // completed, and nothing would ever compensate them. Stopped, it compensates itself.
    return cancelled || (parent != null && (parentStep.abandoned || parent.isCancelled()));
  }

  // ---------------------------------------------------------------- steps

  /** Runs a step that returns a {@link StepResponse}; returns its output. */
  public <O, C> O step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    Outcome<O, C> outcome = execute(step, body);
    if (outcome.failed()) {
      settleFailure(step, outcome, compensation);
      return null;
    }
    return completed(step, outcome.response, compensation);
  }

  /**
   * Runs a step that may have no output: skipped by its condition, or failed with
   * {@code continueOnPermanentFailure}/{@code skipOnPermanentFailure}. Empty then.
   */
  public <O, C> Optional<O> step(
      StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return shouldRun(step, when) ? Optional.ofNullable(step(step, body, compensation)) : Optional.empty();
  }

  /** Runs a step with a plain return type, whose output is also its compensation input. */
  public <O> O valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return step(step, value(body), compensation);
  }

  /** Runs a step with a plain return type that may have no output; see {@link #step(StepSpec, Condition, StepBody, Compensation)}. */
  public <O> Optional<O> valueStep(
      StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return shouldRun(step, when) ? Optional.ofNullable(valueStep(step, body, compensation)) : Optional.empty();
  }

  /** Runs a step that returns {@code void}. */
  public void voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    step(step, nothing(body), adapt(compensation));
  }

  /** Runs a conditional step that returns {@code void}. */
  public void voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    if (shouldRun(step, when)) {
      voidStep(step, body, compensation);
    }
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
    return shouldRun(step, when) ? Optional.ofNullable(childStep(step, body)) : Optional.empty();
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
      child.run().compensateAsChild();
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
    if (shouldRun(step, when)) {
      hook(step, slot, input);
    }
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
    Failed<Void> cancelled = cancelledDuringLastStep();
    if (cancelled != null) {
      return halted(fail(List.of(cancelled)));
    }
    return completeDone(result);
  }

  /**
   * The steps are over. If a cancel came while the last step ran, the failure that compensates the
   * run, as a cancel that returned true promises; else null, and no cancel can come any more.
   */
  Failed<Void> cancelledDuringLastStep() {
    if (parent != null) {
      // A child's result goes to its parent's step, which compensates the child if the parent is
      // cancelled later. But a parent step that stopped waiting (its attempt timed out, or a
      // synchronous parent's wait was interrupted and cancelled the child) takes no result: then
      // nobody would ever compensate the child, so it compensates itself.
      boolean cancelledItself = endSteps();
      if (!cancelledItself && !parentStep.abandoned) {
        return null;
      }
      return new Failed<Void>(lastStep(), Outcome.failed(new WorkflowCancelledException("child workflow '" + spec.name()
          + "' (transaction " + transactionId + ") ended after its parent's step '" + parentStep.stepName()
          + "' stopped waiting for it; its completed steps are compensated"), 0, null), null);
    }
    if (registry == null || !endSteps()) {
      return null; // a run without a registry cannot be cancelled
    }
    StepSpec last = lastStep();
    WorkflowCancelledException cancelled = new WorkflowCancelledException("workflow '" + spec.name()
        + "' (transaction " + transactionId + ") was cancelled during its last step '" + last.name()
        + "'; the completed steps are compensated");
    return new Failed<Void>(last, Outcome.failed(cancelled, 0, null), null);
  }

  private StepSpec lastStep() {
    List<StepSpec> steps = spec.steps();
    return steps.get(steps.size() - 1);
  }

  /** Ends a run whose steps are over and that was not cancelled: DONE. */
  <R> WorkflowResult<R> completeDone(R result) {
    status = WorkflowStatus.DONE;
    log.debug("Workflow '{}' ({}) done", spec.name(), transactionId);
    return finish(new WorkflowResult<>(spec.name(), transactionId, WorkflowStatus.DONE, result, errors));
  }

  /**
   * Ends a run that a failed step halted, after its compensations ran.
   *
   * @throws WorkflowFailedException unless {@link RunOptions#throwOnError()} is false
   */
  public <R> WorkflowResult<R> halted(Halt halt) {
    if (status == null || failure == null) {
      throw new IllegalStateException("workflow '" + spec.name() + "' was not halted by a failed step");
    }
    WorkflowResult<R> result = finish(new WorkflowResult<>(spec.name(), transactionId, status, noResult(), errors));
    if (!options.throwOnError()) {
      return result;
    }
    throw failedException(result);
  }

  private WorkflowFailedException failedException(WorkflowResult<?> result) {
    String why = failure instanceof WorkflowCancelledException
        ? "it was cancelled at step '" + failedStep + "'"
        : "step '" + failedStep + "' failed";
    WorkflowFailedException exception = new WorkflowFailedException(
        "Workflow '" + spec.name() + "' (transaction " + transactionId + ") ended " + status + ": " + why + ": " + failure,
        result, failure);
    for (StepError error : errors) {
      if (error.phase() == StepPhase.COMPENSATE) {
        exception.addSuppressed(error.cause());
      }
    }
    return exception;
  }


  /** Ends a child run whose steps all completed; its completed steps stay for the parent to compensate. */
  public <R> ChildRun<R> childDone(R result) {
    Failed<Void> abandoned = cancelledDuringLastStep();
    if (abandoned != null) {
      throw childFailed(fail(List.of(abandoned)));
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
    if (status == null || failure == null) {
      throw new IllegalStateException("child workflow '" + spec.name() + "' was not halted by a failed step");
    }
    return failedException(finish(new WorkflowResult<>(spec.name(), transactionId, status, noResult(), errors)));
  }

  /**
   * The result of a run that did not end DONE: {@code Optional.empty()} where the workflow's result
   * type is {@code Optional} (the processor says so with {@link WorkflowSpec#withOptionalResult()}), else null.
   */
  @SuppressWarnings("unchecked") // R is Optional<...> exactly when the spec says so
  private <R> R noResult() {
    return spec.optionalResult() ? (R) Optional.empty() : null;
  }


  /**
   * Compensates a completed child run as a unit, in reverse order; the failed compensations stay
   * for a retry of the parent step's compensation.
   */
  void compensateAsChild() {
    inScope(() -> {
      int errorsBefore = errors.size();
      List<Completed<?>> failedAgain = new ArrayList<>();
      for (Completed<?> next : takeCompleted()) {
        if (!compensate(next)) {
          failedAgain.add(next);
        }
      }
      ChildCompensationException failure = endUnitCompensation(failedAgain, errorsBefore);
      if (failure != null) {
        throw failure;
      }
    });
  }

  /** How many errors the run has recorded: where a compensation of the child as a unit starts. */
  int errorCount() {
    return errors.size();
  }

  /** The completed steps that have a compensation, the most recent first; the run keeps none. */
  List<Completed<?>> takeCompleted() {
    List<Completed<?>> taken = new ArrayList<>(completed.size());
    while (!completed.isEmpty()) {
      taken.add(completed.removeLast());
    }
    return taken;
  }

  /**
   * A compensation of this child run as a unit is over: the steps whose compensation failed for
   * good ({@code failedAgain}, in the order they were compensated) stay for a retry of the parent
   * step's compensation. Returns the failure for the parent's step, or null if all were undone.
   */
  ChildCompensationException endUnitCompensation(List<Completed<?>> failedAgain, int errorsBefore) {
    for (int i = failedAgain.size() - 1; i >= 0; i--) {
      completed.addLast(failedAgain.get(i)); // back in order of completion
    }
    if (failedAgain.isEmpty()) {
      return null;
    }
    List<Completed<?>> inOrder = new ArrayList<>(completed);
    ChildCompensationException e = new ChildCompensationException("compensation of child workflow '" + spec.name()
        + "' (transaction " + transactionId + ") failed for step(s) " + inOrder.stream()
        .map(c -> "'" + c.step.name() + "'").collect(java.util.stream.Collectors.joining(", ")));
    errors.subList(errorsBefore, errors.size()).forEach(error -> e.addSuppressed(error.cause()));
    return e;
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

  /**
   * The outcome of a step: its response, or the failure of its last attempt; or, while the step is
   * still being tried, a failed attempt that is to be retried after {@code retryDelayNanos}.
   */
  static final class Outcome<O, C> {
    final StepResponse<O, C> response;
    final Throwable cause;
    final int attempts;
    final boolean retry;
    final long retryDelayNanos;

    private Outcome(StepResponse<O, C> response, Throwable cause, int attempts, boolean retry, long retryDelayNanos) {
      this.response = response;
      this.cause = cause;
      this.attempts = attempts;
      this.retry = retry;
      this.retryDelayNanos = retryDelayNanos;
    }

    static <O, C> Outcome<O, C> ok(StepResponse<O, C> response, int attempts) {
      return new Outcome<>(response, null, attempts, false, 0);
    }

    static <O, C> Outcome<O, C> failed(Throwable cause, int attempts, StepResponse<O, C> permanentFailure) {
      return new Outcome<>(permanentFailure, cause, attempts, false, 0);
    }

    static <O, C> Outcome<O, C> retry(Throwable cause, int attempts, long retryDelayNanos) {
      return new Outcome<>(null, cause, attempts, true, retryDelayNanos);
    }

    boolean failed() {
      return cause != null;
    }

    /** Whether the step handed over partial work: {@code permanentFailure(message, compensationInput)}. */
    boolean handsOverPartialWork() {
      return response != null && response.compensatesFailure();
    }
  }

  /**
   * Runs a step with its retries, retry delays and timeout. Safe on any thread: it touches no state
   * of the run but the cancellation flag and the deadline.
   */
  <O, C> Outcome<O, C> execute(StepSpec step, StepBody<O, C> body) {
    Throwable stop = stopReason(step);
    if (stop != null) {
      return Outcome.failed(stop, 0, null);
    }
    for (int attempt = 1; ; attempt++) {
      Context context = new Context(step, attempt, false);
      String outerStep = enterStep(step);
      StepResponse<O, C> response = null;
      Throwable error = null;
      try {
        beginAttempt(context);
        response = invokeWithTimeout(step, body, context);
      } catch (Throwable t) {
        fatal(t);
        error = t;
      } finally {
        restore(MDC_STEP, outerStep);
      }
      Outcome<O, C> outcome = judge(context, response, error, true);
      if (!outcome.retry) {
        return outcome;
      }
      if (!pauseBeforeRetry(step, outcome.retryDelayNanos, false)) {
        return giveUp(context, outcome.cause);
      }
    }
  }

  /** Fires onStepBegin for an attempt. */
  void beginAttempt(Context context) {
    if (!listeners.isEmpty()) {
      fire(listener -> listener.onStepBegin(context));
    }
  }

  /**
   * What an attempt came to: the step's outcome, with its event fired, or {@link Outcome#retry} when
   * the step is to be tried again (after onStepAttemptFailure). {@code retryable} is false when the
   * attempt failed in a way no retry can mend (the step returned null). A step is not retried once
   * the run is cancelled, nor when its workflow's deadline has passed.
   */
  <O, C> Outcome<O, C> judge(Context context, StepResponse<O, C> response, Throwable error, boolean retryable) {
    StepSpec step = context.step;
    int attempt = context.attempt;
    if (error == null && response == null) {
      error = new IllegalStateException("step '" + step.name() + "' returned null instead of a StepResponse; "
          + "return new StepResponse<>(output) or StepResponse.permanentFailure(message)");
      retryable = false;
    }
    if (error == null && response.isPermanentFailure()) {
      PermanentStepFailureException cause = new PermanentStepFailureException(response.failureMessage().orElseThrow());
      fireForStep(context, listener -> listener.onStepFailure(context, cause));
      return Outcome.failed(cancelledDuring(context, cause), attempt, response);
    }
    if (error == null) {
      StepResponse<O, C> done = response;
      log.debug("Workflow '{}' ({}) step '{}' completed on attempt {}", spec.name(), transactionId, step.name(), attempt);
      if (!listeners.isEmpty()) { // the hot path: allocate no event without listeners
        fireForStep(context, listener -> listener.onStepSuccess(context, done.output()));
      }
      return Outcome.ok(response, attempt);
    }
    // no retry once the run is cancelled or past its deadline (stopReason), nor if the deadline
    // passes before the pause could begin (retryDelayNanos is -1 then)
    long delay = retryable && attempt < step.maxAttempts() && isRetryable(error) && stopReason(step) == null
        ? retryDelayNanos(step, attempt, false)
        : -1;
    if (delay >= 0) {
      Throwable failed = error;
      log.info("Workflow '{}' ({}) step '{}' failed on attempt {} of {}; retrying in {} ms: {}",
          spec.name(), transactionId, step.name(), attempt, step.maxAttempts(), TimeUnit.NANOSECONDS.toMillis(delay),
          error.toString());
      fireForStep(context, listener -> listener.onStepAttemptFailure(context, failed, Duration.ofNanos(delay)));
      return Outcome.retry(error, attempt, delay);
    }
    return giveUp(context, error);
  }

  /**
   * The step failed for good on this attempt: fires onStepFailure with the attempt's error; the
   * outcome's cause is that error, or the cancellation if the run was cancelled meanwhile.
   */
  <O, C> Outcome<O, C> giveUp(Context context, Throwable error) {
    fireForStep(context, listener -> listener.onStepFailure(context, error));
    return Outcome.failed(cancelledDuring(context, error), context.attempt, null);
  }

  /**
   * The cause of a step that failed for good: its last attempt's {@code error}; or, if the run was
   * cancelled while the step was being tried (during an attempt, a retry pause, or while an
   * asynchronous attempt was pending), a {@link WorkflowCancelledException} that says so and has
   * {@code error} as its suppressed exception, so that a cancel always shows in the run's result.
   */
  private Throwable cancelledDuring(Context context, Throwable error) {
    if (!isCancelled() || error instanceof WorkflowCancelledException) {
      return error;
    }
    WorkflowCancelledException cancelled = new WorkflowCancelledException("workflow '" + spec.name()
        + "' (transaction " + transactionId + ") was cancelled during step '" + context.step.name() + "', whose attempt "
        + context.attempt + " failed with " + error + "; no further attempt was started, and the completed steps"
        + " are compensated");
    cancelled.addSuppressed(error);
    return cancelled;
  }

  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int TIMED_OUT = 2;

  /**
   * Calls the step. With a timeout (the step's, or what is left of the workflow's), a timer
   * interrupts the step's thread when it expires; the step still runs on this thread, so the run
   * waits for it to return (a step that ignores interrupts delays the run), discards what it
   * returned and fails the attempt.
   */
  private <O, C> StepResponse<O, C> invokeWithTimeout(StepSpec step, StepBody<O, C> body, Context context)
      throws Exception {
    long timeout = attemptTimeoutNanos(step);
    if (timeout == Long.MAX_VALUE) {
      return body.invoke(context);
    }
    boolean workflowLimited = isWorkflowLimit(step, timeout);
    if (timeout <= 0) {
      throw timedOut(context, true);
    }
    Thread thread = Thread.currentThread();
    AtomicInteger state = new AtomicInteger(RUNNING);
    // The alarm interrupts while holding the state's lock, and the step takes the same lock to see
    // whether it finished in time: once it sees TIMED_OUT, the interrupt has been delivered, so
    // Thread.interrupted() below clears it and it cannot leak into the next attempt or step.
    ScheduledFuture<?> alarm = Scheduling.timer().schedule(() -> {
      synchronized (state) {
        if (state.compareAndSet(RUNNING, TIMED_OUT)) {
          thread.interrupt();
        }
      }
    }, timeout, TimeUnit.NANOSECONDS);
    try {
      StepResponse<O, C> response = body.invoke(context);
      if (finishedInTime(state)) {
        return response;
      }
    } catch (Exception | Error e) {
      if (finishedInTime(state)) {
        throw e;
      }
    } finally {
      alarm.cancel(false);
    }
    Thread.interrupted(); // the interrupt was ours; clear it before the run goes on
    throw timedOut(context, workflowLimited);
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

  private static boolean finishedInTime(AtomicInteger state) {
    synchronized (state) {
      return state.compareAndSet(RUNNING, FINISHED);
    }
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
   * Waits {@code delay} nanoseconds before a retry; false if the retry must not happen (interrupted,
   * cancelled, timed out).
   */
  private boolean pauseBeforeRetry(StepSpec step, long delay, boolean compensating) {
    if (delay < 0) {
      return false;
    }
    // A step's pause ends early when the run is cancelled (checked every 50 ms), so a cancel never
    // waits out a long retry interval; a compensation's pause does not, as compensations must run.
    long end = System.nanoTime() + delay;
    for (long left = delay; left > 0; left = end - System.nanoTime()) {
      if (!compensating && isCancelled()) {
        return false;
      }
      try {
        // round up, so the pause never ends before it is over (nor before the deadline it was cut to)
        Thread.sleep(Math.min((left + 999_999) / 1_000_000, PAUSE_SLICE_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return compensating || stopReason(step) == null;
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

  static final long PAUSE_SLICE_MILLIS = 50;

  /**
   * Evaluates the condition of a step. False also when it threw and the step tolerates failures;
   * a failure that stops the run throws {@link Halt}.
   */
  private boolean shouldRun(StepSpec step, Condition when) {
    Outcome<Void, Void> check = checkCondition(step, when);
    if (check == null) {
      return true;
    }
    if (check != SKIPPED) {
      settleFailure(step, check, null);
    }
    return false;
  }

  /** What {@link #checkCondition} returns for a step that its condition skips. */
  static final Outcome<Void, Void> SKIPPED = Outcome.ok(VOID_RESPONSE, 0);

  /**
   * Whether a step is to run: null if so; {@link #SKIPPED} if its condition says no; the failure
   * otherwise (the run was cancelled or timed out, or the condition threw).
   */
  Outcome<Void, Void> checkCondition(StepSpec step, Condition when) {
    Throwable stop = stopReason(step);
    return stop != null ? Outcome.failed(stop, 0, null) : evaluate(step, when);
  }

  /** The condition alone: null if the step is to run, {@link #SKIPPED}, or the condition's failure. */
  private Outcome<Void, Void> evaluate(StepSpec step, Condition when) {
    if (when == null || when == Condition.ALWAYS) {
      return null;
    }
    Context context = new Context(step, 1, false);
    String outerStep = enterStep(step);
    try {
      if (when.test(context)) {
        return null;
      }
    } catch (Throwable t) {
      fatal(t);
      log.debug("Workflow '{}' ({}) the @When condition of step '{}' threw", spec.name(), transactionId, step.name());
      fire(listener -> listener.onStepFailure(context, t));
      return Outcome.failed(t, 1, null);
    } finally {
      restore(MDC_STEP, outerStep);
    }
    log.debug("Workflow '{}' ({}) step '{}' skipped by its condition", spec.name(), transactionId, step.name());
    fire(listener -> listener.onStepSkipped(context));
    return SKIPPED;
  }

  /** A step completed: its compensation, if any, joins the run's compensation stack. */
  <O, C> O completed(StepSpec step, StepResponse<O, C> response, Compensation<? super C> compensation) {
    if (compensation != null) {
      completed.addLast(new Completed<C>(step, compensation, response.compensationInput()));
    }
    return response.output();
  }

  /** A step failed for good: tolerate it if the step says so, else halt the run. */
  private <C> void settleFailure(StepSpec step, Outcome<?, C> outcome, Compensation<? super C> compensation) {
    if (!isTolerated(step, outcome)) {
      throw fail(List.of(new Failed<>(step, outcome, compensation)));
    }
    tolerate(step, outcome, compensation);
  }

  /**
   * Whether the run goes on after this failure: the step has a failure option, and the failure is
   * the step's own, not a cancellation or the workflow's timeout (which stop the run whatever the step says).
   */
  static boolean isTolerated(StepSpec step, Outcome<?, ?> outcome) {
    boolean stoppedRun = outcome.cause instanceof WorkflowCancelledException
        || outcome.cause instanceof WorkflowTimeoutException;
    return step.onFailure() != StepSpec.OnFailure.COMPENSATE && !stoppedRun;
  }

  /**
   * {@code continueOnPermanentFailure} / {@code skipOnPermanentFailure}: the error is recorded, the
   * step has no output, and the run goes on. Partial work the step handed over is compensated only
   * if the run later fails.
   */
  <C> void tolerate(StepSpec step, Outcome<?, C> outcome, Compensation<? super C> compensation) {
    errors.add(new StepError(step.name(), StepPhase.INVOKE, outcome.cause, outcome.attempts));
    log.warn("Workflow '{}' ({}) step '{}' failed after {} attempt(s): {}; the run goes on ({})",
        spec.name(), transactionId, step.name(), outcome.attempts, outcome.cause.toString(),
        step.onFailure() == StepSpec.OnFailure.SKIP ? "skipOnPermanentFailure" : "continueOnPermanentFailure");
    if (outcome.handsOverPartialWork() && compensation != null) {
      completed.addLast(new Completed<C>(step, compensation, outcome.response.compensationInput()));
    }
    if (step.onFailure() == StepSpec.OnFailure.SKIP) {
      Context context = new Context(step, Math.max(1, outcome.attempts), false);
      fire(listener -> listener.onStepSkipped(context));
    }
  }

  /** A failed step, with its compensation for partial work it handed over. */
  static final class Failed<C> {
    final StepSpec step;
    final Outcome<?, C> outcome;
    final Compensation<? super C> compensation;

    Failed(StepSpec step, Outcome<?, C> outcome, Compensation<? super C> compensation) {
      this.step = step;
      this.outcome = outcome;
      this.compensation = compensation;
    }
  }

  /**
   * Records the failure of one or more steps (several only in a parallel group; the first is the
   * run's failure), compensates (the failed steps' partial work first, then every completed step
   * in reverse order of completion), and returns the {@link Halt} for the caller to throw.
   */
  private Halt fail(List<Failed<?>> failed) {
    boolean allCompensated = true;
    for (Completed<?> next : beginCompensation(failed)) {
      allCompensated &= compensate(next);
    }
    return endCompensation(allCompensated);
  }

  /**
   * Records the failure of the steps and returns what is to be compensated, in order: the failed
   * steps' partial work, then every completed step, the most recent first.
   */
  List<Completed<?>> beginCompensation(List<Failed<?>> failed) {
    Failed<?> first = failed.get(0);
    failure = first.outcome.cause;
    failedStep = first.step.name();
    List<Completed<?>> toCompensate = new ArrayList<>(completed.size() + failed.size());
    for (Failed<?> f : failed) {
      errors.add(new StepError(f.step.name(), StepPhase.INVOKE, f.outcome.cause, f.outcome.attempts));
      partial(f).ifPresent(toCompensate::add);
    }
    // A failed step is the workflow working as designed (the saga undoes it), and its exception is
    // in the result: one line here, the stack trace at debug level.
    if (failure instanceof WorkflowCancelledException) {
      log.warn("Workflow '{}' ({}) was cancelled at step '{}' after {} attempt(s): {}; compensating {} step(s)",
          spec.name(), transactionId, failedStep, first.outcome.attempts, failure.getMessage(),
          completed.size() + toCompensate.size());
    } else {
      log.warn("Workflow '{}' ({}) step '{}' failed after {} attempt(s): {}; compensating {} step(s)",
          spec.name(), transactionId, failedStep, first.outcome.attempts, failure.toString(),
          completed.size() + toCompensate.size());
    }
    log.debug("Workflow '{}' ({}) step '{}' failure", spec.name(), transactionId, failedStep, failure);
    while (!completed.isEmpty()) {
      toCompensate.add(completed.removeLast());
    }
    WorkflowEvent event = new WorkflowEvent(spec.name(), transactionId);
    fire(listener -> listener.onCompensateBegin(event));
    return toCompensate;
  }

  /** The compensations ran: the run ends REVERTED, or FAILED if one of them failed for good. */
  Halt endCompensation(boolean allCompensated) {
    status = allCompensated ? WorkflowStatus.REVERTED : WorkflowStatus.FAILED;
    log.info("Workflow '{}' ({}) {}", spec.name(), transactionId, status);
    return HALT;
  }

  private static <C> Optional<Completed<?>> partial(Failed<C> failed) {
    if (failed.outcome.handsOverPartialWork() && failed.compensation != null) {
      return Optional.of(new Completed<C>(failed.step, failed.compensation, failed.outcome.response.compensationInput()));
    }
    return Optional.empty();
  }

  private boolean compensate(Completed<?> done) {
    for (int attempt = 1; ; attempt++) {
      Throwable error = compensateOnce(done, attempt);
      if (error == null) {
        return true;
      }
      if (!retriesCompensation(done.step, attempt, error)
          || !pauseBeforeRetry(done.step, retryDelayNanos(done.step, attempt, true), true)) {
        compensationFailed(done.step, attempt, error);
        return false;
      }
    }
  }

  /** One attempt at a compensation: null if it succeeded, else what it threw. */
  <C> Throwable compensateOnce(Completed<C> done, int attempt) {
    StepSpec step = done.step;
    Context context = new Context(step, attempt, true);
    String outerStep = enterStep(step);
    try {
      done.compensation.compensate(done.input, context);
      compensated(context);
      return null;
    } catch (Throwable t) {
      fatal(t);
      return t;
    } finally {
      restore(MDC_STEP, outerStep);
    }
  }

  /** A step's compensation succeeded on this attempt. */
  void compensated(Context context) {
    log.debug("Workflow '{}' ({}) step '{}' compensated on attempt {}", spec.name(), transactionId, context.step.name(),
        context.attempt);
    fire(listener -> listener.onCompensateStepSuccess(context));
  }

  /** Whether a compensation that failed on {@code attempt} is tried again. */
  boolean retriesCompensation(StepSpec step, int attempt, Throwable error) {
    if (attempt < step.maxAttempts() && isRetryable(error)) {
      log.info("Workflow '{}' ({}) compensation of step '{}' failed on attempt {} of {}; retrying: {}",
          spec.name(), transactionId, step.name(), attempt, step.maxAttempts(), error.toString());
      return true;
    }
    return false;
  }

  /** A compensation failed for good: recorded in the run's errors; the run will end FAILED. */
  void compensationFailed(StepSpec step, int attempt, Throwable error) {
    errors.add(new StepError(step.name(), StepPhase.COMPENSATE, error, attempt));
    log.error("Workflow '{}' ({}) compensation of step '{}' failed after {} attempt(s); its work is not undone",
        spec.name(), transactionId, step.name(), attempt, error);
    Context context = new Context(step, attempt, true);
    fireForStep(context, listener -> listener.onCompensateStepFailure(context, error));
  }

  private static boolean isRetryable(Throwable t) {
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !(t instanceof PermanentStepFailureException)
        && !(t instanceof WorkflowTimeoutException)
        && !(t instanceof WorkflowCancelledException)
        && !Thread.currentThread().isInterrupted();
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
  private void fire(Consumer<WorkflowListener> event) {
    for (int i = 0; i < listeners.size(); i++) {
      WorkflowListener listener = listeners.get(i);
      try {
        event.accept(listener);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.warn("Workflow '{}' ({}) listener {} threw; ignored", spec.name(), transactionId, listener, e);
      }
    }
  }

  /** Calls every listener with the step's MDC key set, as while the step runs. */
  private void fireForStep(Context context, Consumer<WorkflowListener> event) {
    if (listeners.isEmpty()) {
      return;
    }
    String outerStep = enterStep(context.step);
    try {
      fire(event);
    } finally {
      restore(MDC_STEP, outerStep);
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
    private final String name;
    private final Executor executor = executor();
    private final Map<String, String> mdc = MDC.getCopyOfContextMap();
    private final AtomicInteger completions = new AtomicInteger();
    private final List<Branch<?, ?>> branches = new ArrayList<>();
    private boolean joined;

    private Group(String name) {
      this.name = name;
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
      return launch(step, when, compensation, () -> CompletableFuture.completedFuture(execute(step, body)));
    }

    /**
     * Starts a step on the group's executor: its condition, then {@code execution}, whose outcome
     * may come later (an asynchronous step's).
     */
    <O, C> Branch<O, C> launch(StepSpec step, Condition when, Compensation<? super C> compensation,
        Supplier<CompletionStage<Outcome<O, C>>> execution) {
      Branch<O, C> branch = new Branch<>(step, compensation);
      branches.add(branch);
      Runnable task = () -> Mdc.with(mdc, () -> {
        try {
          // a group's steps all started together: a cancel stops the run after the group, not
          // inside it, so a step's condition is evaluated whatever happened meanwhile
          Outcome<Void, Void> check = evaluate(step, when);
          if (check == SKIPPED) {
            branch.skipped = true;
            branch.complete(null, completions);
          } else if (check != null) {
            branch.complete(Outcome.failed(check.cause, check.attempts, null), completions);
          } else {
            execution.get().whenComplete((outcome, error) -> branch.complete(
                error == null ? outcome : Outcome.failed(unwrap(error), 1, null), completions));
          }
        } catch (Throwable t) {
          branch.complete(Outcome.failed(t, 1, null), completions);
        }
      });
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        branch.complete(Outcome.failed(e, 0, null), completions);
      }
      return branch;
    }

    /**
     * Waits for every step of the group, then settles them in the order they completed.
     *
     * @throws Halt if a step failed: the group's completed steps and the earlier steps are compensated
     */
    public void join() {
      for (Branch<?, ?> branch : branches()) {
        branch.done.join(); // uninterruptible: the branches must finish before anything is compensated
      }
      List<Failed<?>> failed = settle();
      if (!failed.isEmpty()) {
        throw fail(failed);
      }
    }

    /** The group's branches, once: a group is joined once. */
    List<Branch<?, ?>> branches() {
      if (joined) {
        throw new IllegalStateException("group '" + name + "' of workflow '" + spec.name() + "' was already joined");
      }
      joined = true;
      return branches;
    }

    /**
     * Settles the finished branches in the order they completed: outputs are set, compensations
     * join the run's stack, tolerated failures are recorded. Returns the failures that halt the run.
     */
    List<Failed<?>> settle() {
      List<Branch<?, ?>> byCompletion = new ArrayList<>(branches);
      byCompletion.sort(Comparator.comparingInt(b -> b.order));
      List<Failed<?>> failed = new ArrayList<>();
      for (Branch<?, ?> branch : byCompletion) {
        settle(branch, failed);
      }
      return failed;
    }

    private <O, C> void settle(Branch<O, C> branch, List<Failed<?>> failed) {
      Outcome<O, C> outcome = branch.outcome;
      if (outcome == null) {
        return; // skipped by its condition
      }
      if (!outcome.failed()) {
        branch.output = completed(branch.step, outcome.response, branch.compensation);
      } else if (isTolerated(branch.step, outcome)) {
        tolerate(branch.step, outcome, branch.compensation);
      } else {
        failed.add(new Failed<C>(branch.step, outcome, branch.compensation));
      }
    }
  }

  /** The cause of a failed {@code CompletionStage}: unwrapped from its {@code CompletionException}. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /** One step of a {@link Group}; its output is readable after {@link Group#join()}. Not API. */
  public static final class Branch<O, C> {
    private final StepSpec step;
    private final Compensation<? super C> compensation;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile Outcome<O, C> outcome;
    private volatile int order;
    private volatile boolean skipped;
    private O output;

    private Branch(StepSpec step, Compensation<? super C> compensation) {
      this.step = step;
      this.compensation = compensation;
    }

    private void complete(Outcome<O, C> outcome, AtomicInteger completions) {
      this.outcome = outcome;
      this.order = completions.incrementAndGet();
      done.complete(null);
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
      return step.name() + (skipped ? " (skipped)" : "");
    }
  }

  // ---------------------------------------------------------------- context

  /** A completed step with its compensation and compensation input. */
  static final class Completed<C> {
    final StepSpec step;
    final Compensation<? super C> compensation;
    final C input;

    Completed(StepSpec step, Compensation<? super C> compensation, C input) {
      this.step = step;
      this.compensation = compensation;
      this.input = input;
    }
  }

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
