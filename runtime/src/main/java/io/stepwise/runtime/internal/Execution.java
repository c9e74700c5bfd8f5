package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * One run in progress, whatever its kind: what the step machine, the settlement, the compensator and
 * the group coordinator share. It holds the run's {@link RunRecord} (the facts), the compensation
 * of each step on the stack (what the record cannot hold), its {@link Driver}, its {@link Deadline},
 * and its place in the world: options, container, registry, parent run. It begins, stops on a
 * cancel or at its deadline, carries its MDC into each segment, and ends. Not API.
 *
 * <p>{@link WorkflowRun} (a synchronous run, on the {@link Driver#BLOCKING} driver) and {@link
 * AsyncRun} (on {@link Driver#TIMERS}) are its two kinds: each adds the entry points its generated
 * code calls, and nothing else.
 *
 * <p>Its {@code noWait} steps are a {@link NoWaitSteps}, and the manual-retry waits that concern it a
 * {@link RunWaits}, each made when first used. The rest stays one class, over the 400 lines the project
 * aims at, because each part of the lifecycle (begin, stop, end, the MDC of each segment) reads and
 * writes the same facts: its record, journal, registry entry, parent step and the caller's MDC.
 */
abstract class Execution {
  private final WorkflowSpec spec;
  private final RunOptions options;
  private final Container container;
  private final String transactionId;
  private final RunRegistry registry;
  /** Where the registry keeps the run (see {@link RunRegistry#add}); null until it begins. */
  private Object registration;
  /**
   * The attempt of the parent's step that runs this child; null for a top-level run. When the parent
   * stops waiting for it (the attempt timed out), the child stops as if cancelled: see {@link #isCancelled()}.
   */
  private final Attempt parentStep;
  private final List<WorkflowListener> listeners;
  /** Whether the run has listeners: asked for every event, so read once. */
  private final boolean listening;
  /** Final but for a resumed run, which takes its recorded deadline before its steps begin. */
  private Deadline deadline;
  private final Driver driver;
  /** The workflow's input (null for a workflow without one): what a durable run records first. */
  private final Object input;
  /** What a durable run records and replays; null for a run of a runner without an engine. */
  final Journal journal;
  /** The run's facts: its steps' records, the compensation stack, errors, status, a cancel request. */
  private final RunRecord record;
  /**
   * The compensation of each step on the stack, by position: what the record cannot hold. An
   * {@code Object[]}, so that storing a lambda needs no array store check.
   */
  private final Object[] compensations;
  /** The MDC of a synchronous run's thread before it began, which its end gives back. */
  private final String outerTransactionId;
  private final String outerWorkflow;
  private final String outerStep;
  /**
   * The run's hash in its {@link RunRegistry}'s set of asynchronous runs: drawn at random, as an
   * identity hash would be, but without its cost. A synchronous run is kept on its thread's stack,
   * never in a hashed set, and draws none.
   */
  private final int hash;
  /**
   * The MDC of the thread that started an asynchronous run (a request id, say), which every segment
   * of the run carries, wherever it runs; null if that MDC was empty, and for a synchronous run.
   */
  private final Map<String, String> callerMdc;
  /** Ends an asynchronous run's future on a fatal error; null for a synchronous run. */
  private volatile Consumer<Throwable> crashHandler;
  /**
   * The step whose {@code skipOnPermanentFailure} failure skips the steps after it, up to {@link
   * #skippingUntil} (excluded); null while no step skips. Written by the run's thread when the step is
   * settled, read by the steps that start after it.
   */
  private StepSpec skippedBy;
  private int skippingUntil;
  /** How many of the run's steps have had their outcome, on whichever thread: see {@link StepMachine#completionOrder()}. */
  private final AtomicInteger finishes = new AtomicInteger();
  /**
   * The run's {@code noWait} steps; null until one starts (then its checkpoint may fail while no step
   * of the run looks). Read and written by the run's thread only.
   */
  private NoWaitSteps noWaits;
  /** The manual-retry waits of the run's steps and of its child runs' steps; null until one begins. */
  private volatile RunWaits waits;

  Execution(WorkflowSpec spec, RunOptions options, Container container, RunRegistry registry, Attempt parentStep,
      String transactionId, Driver driver, Object input) {
    this.spec = spec;
    this.options = options;
    this.container = container;
    this.registry = registry;
    this.parentStep = parentStep;
    this.listeners = options.listeners();
    this.listening = !listeners.isEmpty();
    this.transactionId = transactionId;
    this.driver = driver;
    this.input = input;
    this.hash = driver == Driver.BLOCKING ? 0 : ThreadLocalRandom.current().nextInt();
    this.deadline = Deadline.of(spec, parentStep == null ? Deadline.NONE : parentStep.run.deadline);
    int steps = spec.steps().size();
    this.record = new RunRecord(spec.name(), transactionId, steps, deadline.epochMillis);
    this.compensations = new Object[steps];
    // a synchronous run adds its keys to its thread's MDC; an asynchronous one sets them in each segment
    boolean blocking = driver == Driver.BLOCKING;
    this.outerTransactionId = blocking ? MDC.get(Mdc.TRANSACTION_ID) : null;
    this.outerWorkflow = blocking ? MDC.get(Mdc.WORKFLOW) : null;
    this.outerStep = blocking ? MDC.get(Mdc.STEP) : null;
    Map<String, String> callerMdc = blocking ? null : MDC.getCopyOfContextMap();
    this.callerMdc = callerMdc == null || callerMdc.isEmpty() ? null : callerMdc;
    this.journal = Journal.of(this, registry, parentStep == null ? null : parentStep.run);
  }

  /** The transaction id of a top-level run: the given one, or a fresh one. */
  static String transactionId(WorkflowSpec spec, RunOptions options) {
    if (options == null) {
      throw new NullPointerException("RunOptions of workflow '" + spec.name() + "' must not be null; use RunOptions.defaults()");
    }
    return options.transactionId().orElseGet(TransactionIds::next);
  }

  /** The attempt of a parent's step that starts a child run. */
  static Attempt parentStep(StepContext context) {
    if (!(context instanceof Attempt attempt)) {
      throw new IllegalArgumentException("runAsChild needs the StepContext of a running step, got " + context);
    }
    return attempt;
  }

  /**
   * The transaction id of a child run: the parent's, the step's name and, on a retry, the attempt
   * ({@code tx/create-shipment#2}).
   */
  static String childTransactionId(Attempt parentStep) {
    return parentStep.run.transactionId + "/" + parentStep.stepName()
        + (parentStep.attempt() > 1 ? "#" + parentStep.attempt() : "");
  }

  /**
   * Opens a durable run's record (see {@link Journal#open}): completes when the run may start its
   * steps, at once for a run without an engine.
   */
  CompletableFuture<Void> open() {
    return journal == null ? CompletableFuture.completedFuture(null)
        : journal.open(input, parentStep == null && options.transactionId().isEmpty());
  }

  /** A resumed run's deadline, as its record has it. */
  void restoreDeadline(java.time.Instant recorded) {
    this.deadline = Deadline.at(recorded.toEpochMilli());
  }

  /**
   * Why a durable run must stop at this checkpoint, without compensating (see {@link Journal}):
   * the run leaves its registry and lets go of its transaction id, and the exception is for its
   * caller; null if the run goes on (always for a run that is not recorded).
   */
  WorkflowSuspendedException suspension() {
    WorkflowSuspendedException suspended = journal == null ? null : journal.suspension();
    if (suspended != null) {
      record.endSteps();
      unregister();
      journal.release();
      journal.logSuspended();
    }
    return suspended;
  }

  /**
   * What the run's caller gets when the run stopped without ending: {@code suspended}, or the
   * refusal of a recorded run that its transaction id named (see {@link Journal#stopped}).
   */
  RuntimeException stopped(WorkflowSuspendedException suspended) {
    return journal == null ? suspended : journal.stopped(suspended);
  }

  /** Records a durable run's end (with its last step's checkpoint); completes at once for a run that is not recorded. */
  CompletableFuture<Void> recordEnd(RunRecord.Status status, Object result) {
    return journal == null ? CompletableFuture.completedFuture(null) : journal.end(status, result);
  }

  /**
   * Takes the run out of its registry (a cancel no longer finds it), and a child run that waited for a
   * manual retry out of the runs that {@code retryXxx} finds (see {@link RunRegistry#childWaits}).
   */
  private void unregister() {
    if (registry != null) {
      registry.remove(this, registration);
    }
    if (parentStep != null && waits != null) {
      RunRegistry.childEnded(this); // a no-op if none of the run's own steps waited
    }
  }

  /** Begins the run: sets a synchronous run's MDC keys, registers it for {@code cancel}, tells the listeners. */
  void begin() {
    if (driver == Driver.BLOCKING) {
      MDC.put(Mdc.TRANSACTION_ID, transactionId);
      MDC.put(Mdc.WORKFLOW, spec.name());
    }
    if (registry != null) {
      registration = registry.add(this);
    }
    RunEvents.begun(this);
  }

  @Override
  public final int hashCode() {
    return hash;
  }

  @Override
  public final boolean equals(Object other) {
    return this == other;
  }

  // ---------------------------------------------------------------- what the core reads

  public String transactionId() {
    return transactionId;
  }

  WorkflowSpec spec() {
    return spec;
  }

  Container container() {
    return container;
  }

  RunOptions options() {
    return options;
  }

  Driver driver() {
    return driver;
  }

  Deadline deadline() {
    return deadline;
  }

  RunRecord record() {
    return record;
  }

  /** The compensation of each step on the stack, by position. */
  Object[] compensations() {
    return compensations;
  }

  /**
   * A step failed for good with {@code skipOnPermanentFailure}: the steps after it are skipped, up to
   * its {@code skipUntil} step. Two such failures (in one {@code @Parallel} group) skip the most.
   */
  void skipAfter(StepSpec failed) {
    if (skippedBy == null || failed.resumePosition > skippingUntil) {
      skippedBy = failed;
      skippingUntil = failed.resumePosition;
    }
  }

  /** The failed step that skips the step at {@code position}; null if that step runs. */
  StepSpec skippedBy(int position) {
    return position < skippingUntil ? skippedBy : null;
  }

  // ---------------------------------------------------------------- noWait steps

  /** One more step of the run has its outcome: which one it is, 1 for the first. */
  int nextFinish() {
    return finishes.incrementAndGet();
  }

  /**
   * Whether a step of this durable run that waits for a manual retry records its wait and stops the
   * run (see {@link Journal#parksWaits()}): not in a run that started a {@code noWait} step, which
   * may still be running.
   */
  boolean parksWaits() {
    return journal != null && noWaits == null && journal.parksWaits();
  }

  /** A {@code noWait} step started: it is settled once it finished, at the latest when the steps are over. */
  void noWait(GroupCoordinator step) {
    if (noWaits == null) {
      noWaits = new NoWaitSteps();
    }
    noWaits.started(step);
  }

  /**
   * Why a durable run with {@code noWait} steps must stop once its steps are over: a {@code noWait}
   * step's checkpoint that the store could not record (see {@link #suspension()}); null if it goes
   * on. A step of the run would see it at its start, but after the last one none looks.
   */
  WorkflowSuspendedException noWaitSuspension() {
    return noWaits != null ? suspension() : null;
  }

  /**
   * Settles the {@code noWait} steps that have finished (their compensations join the stack in the
   * order they finished); whether one of them failed so that the run halts (or has failed so, and
   * not finished yet: the halt waits for it): then no further step starts, and the next one halts
   * the run instead.
   */
  boolean noWaitFailed() {
    return noWaits != null && noWaits.failed();
  }

  /** Completes when every {@code noWait} step that is not settled has its outcome; null if there is none. */
  CompletableFuture<Void> noWaitsRunning() {
    return noWaits == null ? null : noWaits.running();
  }

  /**
   * The failures that halt the run, once every {@code noWait} step finished: those of {@code noWait}
   * steps first (they failed before), then {@code failed}. The {@code noWait} steps are settled then.
   */
  List<Settlement.Failure> withNoWaitFailures(List<Settlement.Failure> failed) {
    return noWaits == null ? failed : noWaits.withFailures(failed);
  }

  /** The run whose step runs this one as a child workflow; null for a top-level run. */
  Execution parent() {
    return parentStep == null ? null : parentStep.run;
  }

  /** The attempt of the parent's step that runs this child; null for a top-level run. */
  Attempt parentStep() {
    return parentStep;
  }

  List<WorkflowListener> listeners() {
    return listeners;
  }

  boolean hasListeners() {
    return listening;
  }

  /** Where the run's concurrent work goes on: {@link RunOptions#executor()}, or Stepwise's pool. */
  Executor executor() {
    return options.executor().orElseGet(Scheduling::pool);
  }

  // ---------------------------------------------------------------- stopping

  /**
   * Asks the run to stop before its next step (or attempt) and compensate; false if its steps are
   * over. A step that waits for the application's retry stops waiting.
   */
  boolean cancel() {
    boolean cancelled = record.requestCancel();
    stopWaits();
    return cancelled;
  }

  // ---------------------------------------------------------------- manual retries

  /** Ends the waits of the run's steps (and its children's) for the application: the run stops (see {@link Journal#suspend}). */
  void stopWaits() {
    RunWaits waits = this.waits;
    if (waits != null) {
      waits.stopAll();
    }
  }

  /**
   * The step waits after its failed {@code attempt} for the application to retry or fail it. The
   * wait ends at once if the run is cancelled, and at the run's deadline.
   */
  ManualWait beginWaiting(StepSpec step, int attempt) {
    return waits().begin(step, attempt);
  }

  /** The wait of one of the run's steps is over, however it ended. */
  void endWaiting(ManualWait wait) {
    waits.end(wait);
  }

  /** The run's waits, made at the first wait that concerns it. */
  RunWaits waits() {
    RunWaits made = waits;
    if (made == null) {
      synchronized (record) {
        made = waits;
        if (made == null) {
          made = new RunWaits(this);
          waits = made;
        }
      }
    }
    return made;
  }

  /**
   * This run stopped waiting for {@code attempt} (an asynchronous attempt that timed out): the waits
   * of the child runs it started, and of theirs, end (see {@link RunWaits#abandoned}).
   */
  void abandoned(Attempt attempt) {
    RunWaits waits = this.waits;
    if (waits != null) {
      waits.abandoned(attempt);
    }
  }

  /**
   * Ends the wait of step {@code stepName} with {@code decision}: false if the step does not wait
   * (it never did, it runs again, or its wait ended already).
   */
  boolean decide(String stepName, ManualWait.Decision decision) {
    RunWaits waits = this.waits;
    return waits != null && waits.decide(stepName, decision);
  }

  boolean isCancelled() {
    // A child also stops when its parent's step gave up waiting for it (an asynchronous attempt that
    // timed out): otherwise the abandoned child would go on with its next steps once its current one
    // completed, and nothing would ever compensate them. Stopped, it compensates itself.
    return record.cancelRequested() || (parentStep != null && (parentStep.isAbandoned() || parentStep.run.isCancelled()));
  }

  /** Why no further step or attempt may start: cancelled, or past the workflow's timeout; else null. */
  Throwable stopReason(StepSpec step) {
    if (isCancelled()) {
      return new WorkflowCancelledException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") was cancelled before step '" + step.name() + "'");
    }
    if (deadline.passed()) {
      return new WorkflowTimeoutException("workflow '" + spec.name() + "' timed out after " + spec.timeoutMillis()
          + " ms, before step '" + step.name() + "'");
    }
    return null;
  }

  // ---------------------------------------------------------------- segments

  /**
   * Runs {@code body} with the run's MDC keys set (over the MDC of the thread that started an
   * asynchronous run), and restores the thread's own afterwards: each segment of an asynchronous
   * run, on whichever thread it runs, and a child compensated as a unit.
   */
  void inScope(Runnable body) {
    // an asynchronous run's segments carry the caller's MDC (or none), whatever the thread had;
    // a synchronous run (a child compensated as a unit) adds its keys to the thread's
    Map<String, String> outer = MDC.getCopyOfContextMap();
    Map<String, String> scope = callerMdc != null ? new HashMap<>(callerMdc)
        : driver != Driver.BLOCKING || outer == null ? new HashMap<>() : new HashMap<>(outer);
    scope.put(Mdc.TRANSACTION_ID, transactionId);
    scope.put(Mdc.WORKFLOW, spec.name());
    Mdc.with(scope, body);
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

  // ---------------------------------------------------------------- endings

  /**
   * The steps are over. If a cancel came while the last step ran (or a child's parent stopped
   * waiting for it), the failure that compensates the run, as a cancel that returned true promises;
   * the same for a replayed run whose revert began; else null, and no cancel can come any more.
   */
  Settlement.Failure endSteps() {
    if (journal != null && journal.replaysRevert()) {
      record.endSteps();
      return new Settlement.Failure(lastStep(), spec.steps().size() - 1,
          new RevertRequested(spec.name(), transactionId), 0, false, null);
    }
    Checkpoint late = journal == null ? null : journal.replayLateFailure();
    if (late != null) {
      record.endSteps();
      return new Settlement.Failure(lastStep(), spec.steps().size() - 1,
          Replay.restore(late.error().orElseThrow()), late.attempts(), false, null);
    }
    if (parentStep != null) {
      // A child's result goes to its parent's step, which compensates the child if the parent is
      // cancelled later. But a parent step that stopped waiting (its attempt timed out, or a
      // synchronous parent's wait was interrupted and cancelled the child) takes no result: then
      // nobody would ever compensate the child, so it compensates itself.
      boolean cancelledItself = record.endSteps();
      if (!cancelledItself && !parentStep.isAbandoned()) {
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

  /**
   * The failure of a durable run whose end could not be recorded because a value cannot be (the
   * last step's output, whose checkpoint goes with the end, or the result): the last step fails with
   * the store's error, and the run is compensated, its last step with the rest. The halt records
   * the error, once.
   */
  Settlement.Failure unrecordableEnd(Throwable cause) {
    return lastStepFailed(cause);
  }

  /** The run's last step fails, never attempted again, with {@code cause}: its earlier work is compensated. */
  private Settlement.Failure lastStepFailed(Throwable cause) {
    int position = spec.steps().size() - 1;
    Checkpoint checkpoint = journal == null ? null
        : Checkpoint.builder(journal.nextSequence(), CheckpointKind.STEP_FAILED, position, lastStep().name())
            .error(cause).build();
    return new Settlement.Failure(lastStep(), position, cause, 0, false, checkpoint);
  }

  /** Ends a run whose steps are over and that was not cancelled: DONE. */
  <R> WorkflowResult<R> endDone(R result) {
    record.status(RunRecord.Status.DONE);
    RunEvents.done(this);
    return finish(new WorkflowResult<>(spec.name(), transactionId, WorkflowStatus.DONE, result, record.errors()));
  }

  /** Ends a child run whose steps are over and that its parent still waits for: DONE, for the parent's step. */
  <R> ChildRun<R> endChildDone(R result) {
    endDone(result);
    return new ChildRun<>(result, this);
  }

  /**
   * Ends a run that a failed step halted, after its compensations ran: its result, REVERTED or FAILED.
   *
   * @throws IllegalStateException if no failed step halted the run
   */
  <R> WorkflowResult<R> endHalted() {
    RunRecord.Status status = record.status();
    if (record.failure() == null || (status != RunRecord.Status.REVERTED && status != RunRecord.Status.FAILED)) {
      throw new IllegalStateException((parentStep == null ? "workflow '" : "child workflow '") + spec.name()
          + "' was not halted by a failed step");
    }
    return finish(new WorkflowResult<>(spec.name(), transactionId, status.ended(), noResult(), record.errors()));
  }

  /**
   * The result of a run that did not end DONE: {@code Optional.empty()} where the workflow's result
   * type is {@code Optional} (the processor says so with {@link WorkflowSpec#withOptionalResult()}), else null.
   */
  @SuppressWarnings("unchecked") // R is Optional<...> exactly when the spec says so
  private <R> R noResult() {
    return spec.optionalResult() ? (R) Optional.empty() : null;
  }

  /** The exception of a halted run: its failure as the cause, the failed compensations suppressed. */
  WorkflowFailedException failedException(WorkflowResult<?> result) {
    Throwable failure = record.failure();
    String why = failure instanceof WorkflowCancelledException
        ? "it was cancelled at step '" + record.failedStep() + "'"
        : "step '" + record.failedStep() + "' failed";
    WorkflowFailedException exception = new WorkflowFailedException("Workflow '" + spec.name() + "' (transaction "
        + transactionId + ") ended " + result.status() + ": " + why + ": " + failure, result, failure);
    for (StepError error : record.errors()) {
      if (error.phase() == StepPhase.COMPENSATE) {
        exception.addSuppressed(error.cause());
      }
    }
    return exception;
  }

  /**
   * A run whose generated code failed with an unexpected exception (a bug in Stepwise): it leaves the
   * registry, and the exception is logged and returned for the run's future.
   */
  Throwable broken(Throwable cause) {
    record.endSteps();
    if (journal != null) {
      journal.release();
    }
    unregister();
    RunEvents.brokeDown(this, cause);
    return cause;
  }

  private <R> WorkflowResult<R> finish(WorkflowResult<R> result) {
    record.endSteps(); // a cancel that finds the run still registered is too late now
    if (journal != null) {
      journal.release();
    }
    unregister();
    boolean blocking = driver == Driver.BLOCKING;
    if (blocking) {
      Mdc.restore(Mdc.STEP, outerStep); // the last step's key: onFinish hears the run, not a step
    }
    RunEvents.finished(this, result);
    if (blocking) {
      Mdc.restore(Mdc.TRANSACTION_ID, outerTransactionId);
      Mdc.restore(Mdc.WORKFLOW, outerWorkflow);
    }
    return result;
  }
}
