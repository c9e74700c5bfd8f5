package io.stepwise.runtime.internal;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One step of a run, from its condition to its outcome: the only place where a step is attempted.
 * Not API.
 *
 * <pre>
 *   CONDITION -- stopped / condition threw --> failed
 *       |  skipped (by its condition, or by an earlier skipOnPermanentFailure) --> skipped
 *       v
 *   ATTEMPT (call the step) --> JUDGE -- success / skip / permanent failure / failed for good --> outcome
 *       ^                          | failed, retryable, the run not stopped: onStepAttemptFailure
 *       +------ RETRY &lt;-- pause ---+   (a cancel or the deadline during the pause: failed)
 *       |                          | the same with autoRetry = false: WAIT for the application
 *       +-- retryXxx -- DECIDE &lt;---+   (failXxx, a cancel, the deadline or a sibling failed for good: failed)
 *       |                          | the same in a run whose store records waits: PARKED, the run stops
 *       +-- RETRY_DECIDED (replayed) -+   (FAILURE_DECIDED replayed: failed)
 * </pre>
 *
 * <p>A step that waits in a run whose store {@linkplain Journal#parksWaits() records waits} (and that
 * is not a member of a group, nor runs beside a {@code noWait} step) records the wait ({@link
 * CheckpointKind#STEP_WAITING}) and stops the run, which its caller sees as a {@link
 * io.stepwise.runtime.WorkflowWaitingException}; the application's decision is recorded in the store
 * ({@code RunStore.endWait}), and the run resumed from its record goes on from the decision.
 *
 * <p>A step that fails for good while its run is cancelled fails with a {@link
 * WorkflowCancelledException} that keeps the attempt's own exception, so that the cancel shows in
 * the run's result wherever it landed. The step's record (attempts) is written as it goes; its
 * outcome is read by {@link Settlement}.
 *
 * <p>The machine runs on its {@link Driver}: {@link #run()} goes as far as it can, and returns when
 * the step has an outcome or when the driver (or the step's stage) will call {@code run()} again
 * later, in a new segment of the run. How an attempt calls the step is the subclass's: {@link
 * SyncStepMachine} for a step that returns its result, {@link AsyncStepMachine} for a step that
 * returns a {@code CompletionStage}. When the outcome is in, {@code then} runs (if given).
 *
 * <p>What a durable run's step writes to its {@link Journal}, and how it takes its recorded outcome
 * instead of calling the step, is {@link StepRecording}'s; how it begins a wait for the application
 * and goes on from the decision, {@link ManualWait}'s. The rest stays one class, over the 400 lines
 * the project aims at, because its phases share one state (the attempt, what it answered, the
 * outcome) that the synchronous run's single machine resets for each step: split further, the
 * phases would hand that state around on every step.
 */
abstract class StepMachine<O, C> implements Runnable {
  private static final int CONDITION = 0;
  static final int ATTEMPT = 1;
  private static final int JUDGE = 2;
  static final int RETRY = 3;
  private static final int OVER = 4;
  /** A step with {@code autoRetry = false} begins to wait for the application after a failed attempt. */
  static final int WAIT = 5;
  /** The wait is over: retry, fail, or stop. */
  static final int DECIDE = 6;
  /** A durable run's wait is recorded: the run stops there, held by no thread, until the wait ends in the store. */
  static final int PARKED = 7;
  /**
   * What an attempt answers when it wrote nothing because the run's beginning, which it carried,
   * may have found the run recorded: the step starts again from its condition, where it replays the
   * record if there is one (see {@link Journal#open}). Not a failure of the step's.
   */
  static final Throwable BEGIN_AGAIN = new IllegalStateException("the run's beginning is written again") {
    private static final long serialVersionUID = 1L;

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  };

  final Execution run;
  final Driver driver;
  StepSpec step;
  /** The step's place in the workflow, and in the run's {@link RunRecord}. */
  int position;
  private Condition when;
  /** Whether a stopped run (cancelled, past its deadline) fails the step before its condition. */
  private boolean stopsBeforeCondition;
  private Runnable then;
  int phase;
  int attempt;
  StepRecord record;

  // what the current attempt came to: set by call() through answerWith/answerValue, or later through pending
  boolean answered;
  Object output;
  Object compensationInput;
  /** The message of a permanent failure the step answered with; null otherwise. */
  private String permanentFailure;
  /** Whether the permanent failure hands over partial work: {@code permanentFailure(message, compensationInput)}. */
  boolean partialWork;
  /** The response of a step that skips itself ({@code StepResponse.skip()}); null otherwise. */
  private StepResponse<?, ?> skip;
  Throwable error;
  boolean retryable;
  private CompletableFuture<? extends StepResponse<O, C>> pending;
  /** What a step with {@code autoRetry = false} waits for; null while it does not wait. */
  ManualWait wait;

  // the outcome
  Attempt last;
  Throwable cause;
  boolean skipped;

  /** A durable run's checkpoints and replay of the step; null in a run that is not recorded. */
  final StepRecording recording;
  /**
   * The {@code @Parallel} group (or {@code noWait} step) the step is a member of; null for a step of
   * the run's sequence. A member's checkpoint never waits for the run's end, and its wait for a manual
   * retry ends when a sibling fails for good.
   */
  GroupCoordinator group;
  /** In a run that is not recorded, when the step had its outcome: 1 for the first step of the run. */
  private int finishedAs;

  StepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.run = run;
    this.driver = run.driver();
    this.recording = run.journal == null ? null : new StepRecording(this, run.journal);
    if (step != null) {
      prepare(step, when, stopsBeforeCondition);
    }
  }

  /**
   * Sets the machine up for {@code step}, from its condition on. A synchronous run drives one step
   * at a time, and sets its one machine up for each step in turn.
   */
  final void prepare(StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.step = step;
    this.position = run.spec().position(step);
    this.when = when == Condition.ALWAYS ? null : when;
    this.stopsBeforeCondition = stopsBeforeCondition;
    this.phase = CONDITION;
    this.cause = null;
    this.skipped = false;
    this.record = null;
    if (recording != null) {
      recording.reset();
    }
    clearAnswer();
  }

  /** Tells the machine the step's compensation, from which it knows how to record the step. */
  final StepMachine<O, C> compensatedBy(Compensation<?> compensation) {
    if (recording != null) {
      recording.compensatedBy(compensation);
    }
    return this;
  }

  private void clearAnswer() {
    answered = false;
    output = null;
    compensationInput = null;
    permanentFailure = null;
    partialWork = false;
    skip = null;
  }

  /**
   * When the step had its outcome, in the run's order: its checkpoint's number in a durable run (a
   * replayed step keeps its recorded one, so that a resumed run compensates as the first did).
   */
  final int completionOrder() {
    return recording != null ? recording.sequence : finishedAs;
  }

  /** What runs once the step has its outcome. */
  StepMachine<O, C> then(Runnable then) {
    this.then = then;
    return this;
  }

  /**
   * Makes one attempt: calls the step with {@code attempt}. Returns null when the attempt is over
   * (it answered through {@link #answerWith} or {@link #answerValue}, or {@link #error} and {@link
   * #retryable} tell how it failed); else the future of the step's response, which the driver
   * waits for.
   */
  abstract CompletableFuture<? extends StepResponse<O, C>> call(Attempt attempt);

  /** The step answered with {@code response}; null is no answer. */
  final void answerWith(StepResponse<O, C> response) {
    if (response == null) {
      return;
    }
    answered = true;
    output = response.output();
    compensationInput = response.compensationInput();
    if (response.isPermanentFailure()) {
      permanentFailure = response.failureMessage().orElseThrow();
      partialWork = response.compensatesFailure() && !rollsBackFailedWork();
    } else if (response.isSkip()) {
      skip = response;
      output = null;
      compensationInput = null;
    }
  }

  /** The step answered with an output that is also its compensation input (null for a {@code void} step). */
  final void answerValue(Object value) {
    answered = true;
    output = value;
    compensationInput = value;
  }

  @Override
  public final void run() {
    while (phase != OVER) {
      switch (phase) {
        case CONDITION -> {
          if (!condition()) {
            return; // a resumed step pauses before its next attempt; the driver goes on after the pause
          }
        }
        case ATTEMPT -> {
          if (!attempt()) {
            return; // the driver goes on once the step's stage completes
          }
        }
        case JUDGE -> {
          if (!judge()) {
            return; // the driver goes on after the pause
          }
        }
        case RETRY -> retry();
        case WAIT -> {
          if (!ManualWait.begin(this)) {
            return; // the driver goes on once the application decides
          }
        }
        case DECIDE -> ManualWait.decided(this);
        case PARKED -> recording.parked();
        default -> throw new IllegalStateException("phase " + phase);
      }
    }
  }

  /** Decides whether the step runs; false if a resumed step's retry pause goes on later. */
  private boolean condition() {
    record = run.record().start(position, step.name());
    StepRecording recording = this.recording;
    if (recording != null) {
      Journal journal = recording.journal;
      if ((stopsBeforeCondition && journal.suspension() != null) || journal.isSuspended()) {
        return stopHere(); // the caller sees the suspension, and stops the run here
      }
      recording.began = Instant.now();
      if (journal.unbegun() && (group != null || when != null || !recordsWithWork())) {
        // a step that acts outside the store acts once the run's beginning is durable; only a
        // sequential first step whose work is in the store's transaction carries the beginning itself.
        // Before the record is read: the beginning of a run with a given id may find it (see Journal).
        if (!driver.await(run, journal.writeBeginning(), this)) {
          return false; // comes back here once it is, and stops there if it could not be recorded
        }
        return condition();
      }
      if (journal.isSuspended()) {
        return stopHere(); // the beginning that a sibling wrote since the check above stopped the run
      }
      Checkpoint outcome = journal.replayStep(position);
      if (outcome != null) {
        return recording.replay(outcome); // its recorded outcome, instead of calling the step
      }
    }
    Throwable stop = stopsBeforeCondition ? run.stopReason(step) : null;
    StepSpec skippedBy = stop == null ? run.skippedBy(position) : null;
    if (skippedBy != null) {
      RunEvents.skippedAfterFailure(new Attempt(run, step, 1, false), skippedBy);
      skipped = true;
      over();
      return true;
    }
    if (stop == null && when != null) {
      Attempt context = new Attempt(run, step, 1, false);
      Mdc.step(step);
      try {
        if (!when.test(context)) {
          RunEvents.skippedByCondition(context);
          skipped = true;
          over();
          return true;
        }
      } catch (Throwable t) {
        run.fatal(t);
        RunEvents.conditionThrew(context, t);
        fail(t, 1);
        return true;
      }
    }
    if (stop == null && (when != null || !stopsBeforeCondition)) {
      stop = run.stopReason(step); // the run may have stopped while the condition ran
    }
    if (stop != null) {
      fail(stop, 0);
      return true;
    }
    attempt = 1;
    phase = ATTEMPT;
    return true;
  }

  /** Ends the step before its condition, without an outcome: the run stops at this checkpoint. */
  private boolean stopHere() {
    phase = OVER;
    goOn();
    return true;
  }

  /** Whether the step replays a recorded outcome (a child's step that runs again to replay the child counts). */
  boolean replayed() {
    return recording != null && recording.replayed() != null;
  }

  /**
   * Whether the step's failure lets the run go on: as recorded for a replayed step (the restored
   * exception is a stand-in), else by {@link Settlement#isTolerated}.
   */
  boolean tolerates(Throwable failure) {
    Checkpoint replayed = recording == null ? null : recording.replayed();
    return replayed != null ? replayed.kind() == CheckpointKind.STEP_TOLERATED : Settlement.isTolerated(step, failure);
  }

  /** Starts an attempt; false if its outcome comes later. */
  private boolean attempt() {
    Attempt context = new Attempt(run, step, attempt, false);
    last = context;
    record.attempts = attempt;
    clearAnswer();
    error = null;
    retryable = true;
    Mdc.step(step);
    try {
      RunEvents.attemptBegins(context);
      pending = call(context);
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    }
    phase = JUDGE;
    return pending == null || driver.await(run, pending, this);
  }

  /** What the attempt came to; false if a pause goes on later. */
  private boolean judge() {
    if (pending != null) {
      try {
        answerWith(pending.join());
      } catch (CompletionException | CancellationException e) {
        error = WorkflowRun.unwrap(e);
      }
      pending = null;
    }
    if (error == BEGIN_AGAIN) {
      error = null;
      phase = CONDITION; // the run's beginning found its record: replay it from here (see Journal)
      return true;
    }
    Attempt context = last;
    if (error instanceof WorkflowSuspendedException) {
      fail(error, attempt); // a child stopped without ending: so does this run, at this checkpoint
      return true;
    }
    if (error == null && !answered) {
      error = new IllegalStateException("step '" + step.name() + "' returned null instead of a StepResponse; "
          + "return new StepResponse<>(output) or StepResponse.permanentFailure(message)");
      retryable = false;
    }
    if (error == null && skip != null) {
      if (step.skippable()) {
        RunEvents.skippedItself(context, skip.skipReason().orElse(null));
        skipped = true;
        over();
        return true;
      }
      error = new IllegalStateException("step '" + step.name() + "' returned " + skip + ", but it is not declared"
          + " skippable, so the steps that take its output expect one; add skippable = true to its @Step (they"
          + " then take Optional), or fail it with StepResponse.permanentFailure(message)");
      retryable = false;
    }
    if (error == null && permanentFailure != null) {
      failedForGood(context, new PermanentStepFailureException(permanentFailure));
      return true;
    }
    if (error == null) {
      RunEvents.succeeded(context, output);
      over();
      return true;
    }
    // no retry once the run is cancelled or past its deadline, nor if the deadline passes before the
    // pause could begin (the delay is -1 then)
    // a timed-out attempt of a step with retryOnTimeout = false fails the step, as in Medusa
    retryable &= step.retryOnTimeout() || !(error instanceof StepTimeoutException);
    long delay = retryable && attempt < step.maxAttempts() && isRetryable(error) && run.stopReason(step) == null
        ? run.deadline().retryDelayNanos(step, attempt, false)
        : -1;
    if (delay < 0) {
      giveUp();
      return true;
    }
    if (!step.autoRetry()) {
      phase = WAIT;
      if (parks()) {
        return true; // the wait is recorded as it begins: see ManualWait.begin
      }
      CompletableFuture<Void> written = recordFailedAttempt();
      // the failed attempt is recorded before the wait, so that a resumed run waits again
      return written == null || driver.await(run, written, this);
    }
    RunEvents.retrying(context, error, delay);
    phase = RETRY;
    CompletableFuture<Void> written = recordFailedAttempt();
    if (written == null) {
      return driver.pause(run, delay, true, this);
    }
    // the failed attempt is recorded before the pause, so that a resumed run goes on with the next attempt
    long end = System.nanoTime() + delay;
    Runnable pause = () -> {
      if (driver.pause(run, Math.max(0, end - System.nanoTime()), true, this)) {
        run();
      }
    };
    if (!driver.await(run, written, pause)) {
      return false;
    }
    return driver.pause(run, Math.max(0, end - System.nanoTime()), true, this);
  }

  /** Records the failed attempt of a durable run; null for a run that is not recorded. */
  private CompletableFuture<Void> recordFailedAttempt() {
    return recording == null ? null : recording.failedAttempt();
  }

  /**
   * Whether the step's wait is recorded and stops the run (see the class's Javadoc), rather than
   * waiting in memory.
   */
  boolean parks() {
    return recording != null && group == null && run.parksWaits();
  }

  /** After the pause (or the application's retry): the next attempt, unless the run must stop. */
  void retry() {
    if (run.journal != null && run.journal.isSuspended()) {
      fail(run.journal.suspension(), attempt); // the failed attempt could not be recorded: stop here
      return;
    }
    if (Thread.currentThread().isInterrupted() || run.stopReason(step) != null) {
      giveUp();
      return;
    }
    attempt++;
    phase = ATTEMPT;
  }

  /** The step failed for good with the last attempt's error. */
  void giveUp() {
    failedForGood(last, error);
  }

  /**
   * The step failed for good on {@code context}'s attempt with {@code failure}. A member of a group
   * (or a {@code noWait} step) tells its group before listeners hear of it, if the failure halts the
   * run: a listener that hears a {@code noWait} step's failure never sees a later step start.
   */
  private void failedForGood(Attempt context, Throwable failure) {
    Throwable failed = cancelledDuring(context, failure);
    if (group != null && !tolerates(failed)) {
      group.memberHalts();
    }
    RunEvents.failed(context, failure);
    fail(failed, attempt);
  }

  /**
   * The cause of a step that failed for good: its last attempt's {@code error}; or, if the run was
   * cancelled while the step was being tried (during an attempt, a retry pause, or while an
   * asynchronous attempt was pending), a {@link WorkflowCancelledException} that says so and has
   * {@code error} as its suppressed exception, so that a cancel always shows in the run's result.
   */
  private Throwable cancelledDuring(Attempt context, Throwable error) {
    if (!run.isCancelled() || error instanceof WorkflowCancelledException) {
      return error;
    }
    WorkflowCancelledException cancelled = new WorkflowCancelledException("workflow '" + run.spec().name()
        + "' (transaction " + run.transactionId() + ") was cancelled during step '" + step.name() + "', whose attempt "
        + context.attempt() + " failed with " + error + "; no further attempt was started, and the completed steps"
        + " are compensated");
    cancelled.addSuppressed(error);
    return cancelled;
  }

  void fail(Throwable failure, int attempts) {
    cause = failure;
    attempt = attempts;
    over();
  }

  void over() {
    phase = OVER;
    finishedAs = run.nextFinish();
    if (recording == null || !recording.outcomeWritten()) {
      goOn();
    }
  }

  void goOn() {
    if (then != null) {
      then.run();
    }
  }

  /**
   * Whether an attempt that answers with a permanent failure has its work rolled back: then it has no
   * partial work to hand over, whatever compensation input the failure carries.
   */
  boolean rollsBackFailedWork() {
    return false;
  }

  /** Whether the step's attempts do their work in the transaction of the step's checkpoint. */
  boolean recordsWithWork() {
    return false;
  }

  /** Whether the attempt that completed the step recorded its checkpoint itself (with its work). */
  boolean recordedByAttempt() {
    return false;
  }

  /**
   * The checkpoint of the failure that halts the run, written when the run is halted ({@link
   * Compensator#halt}); null if nothing is to be written (a run that is not recorded, a replayed failure).
   */
  Checkpoint failedCheckpoint(Throwable failure, boolean partialWork) {
    return recording == null ? null : recording.failed(failure, partialWork);
  }

  /**
   * Ends the machine with a failure from outside it: its task was refused by the executor, or broke
   * down before the step had an outcome.
   */
  void crash(Throwable failure, int attempts) {
    if (recording != null) {
      recording.crashed();
    }
    if (record == null) {
      record = run.record().start(position, step.name());
    }
    clearAnswer();
    fail(failure, attempts);
  }

  /**
   * Whether the step was skipped: by its condition, after an earlier step's skipOnPermanentFailure,
   * or by itself ({@code StepResponse.skip()}).
   */
  boolean skipped() {
    return skipped;
  }

  /** The failure the step ended with; null if it completed, or was skipped. */
  Throwable failure() {
    return cause;
  }

  /** How many attempts the step took: 0 if the run stopped before its first. */
  int attempts() {
    return attempt;
  }

  /** The step's output: null unless it completed. */
  @SuppressWarnings("unchecked")
  O output() {
    return cause == null ? (O) output : null;
  }

  /** The completed step's compensation input, or the partial work its permanent failure handed over. */
  @SuppressWarnings("unchecked")
  C compensationInput() {
    return (C) compensationInput;
  }

  /** Whether the step failed permanently and handed over partial work for its own compensation. */
  boolean handsOverPartialWork() {
    return cause != null && partialWork;
  }

  /**
   * Whether a failure may be retried: not a permanent failure, a value that cannot be recorded, the
   * workflow's timeout or a cancel, nor anything on an interrupted thread. An {@code
   * InterruptedException} keeps the interrupt for the caller.
   */
  static boolean isRetryable(Throwable t) {
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !(t instanceof PermanentStepFailureException)
        && !(t instanceof UnrecordableValueException) // its type cannot be recorded: trying again cannot help
        && !(t instanceof WorkflowTimeoutException)
        && !(t instanceof WorkflowCancelledException)
        && !Thread.currentThread().isInterrupted();
  }
}
