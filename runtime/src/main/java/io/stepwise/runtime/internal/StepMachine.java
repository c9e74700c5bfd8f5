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
import java.util.List;
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
 */
abstract class StepMachine<O, C> implements Runnable {
  private static final int CONDITION = 0;
  private static final int ATTEMPT = 1;
  private static final int JUDGE = 2;
  private static final int RETRY = 3;
  private static final int OVER = 4;
  /** A step with {@code autoRetry = false} begins to wait for the application after a failed attempt. */
  private static final int WAIT = 5;
  /** The wait is over: retry, fail, or stop. */
  private static final int DECIDE = 6;
  /** A durable run's wait is recorded: the run stops there, held by no thread, until the wait ends in the store. */
  private static final int PARKED = 7;

  final Execution run;
  final Driver driver;
  StepSpec step;
  /** The step's place in the workflow, and in the run's {@link RunRecord}. */
  int position;
  private Condition when;
  /** Whether a stopped run (cancelled, past its deadline) fails the step before its condition. */
  private boolean stopsBeforeCondition;
  private Runnable then;
  private int phase;
  private int attempt;
  private StepRecord record;

  // what the current attempt came to: set by call() through answerWith/answerValue, or later through pending
  private boolean answered;
  private Object output;
  private Object compensationInput;
  /** The message of a permanent failure the step answered with; null otherwise. */
  private String permanentFailure;
  /** Whether the permanent failure hands over partial work: {@code permanentFailure(message, compensationInput)}. */
  private boolean partialWork;
  /** The response of a step that skips itself ({@code StepResponse.skip()}); null otherwise. */
  private StepResponse<?, ?> skip;
  Throwable error;
  boolean retryable;
  private CompletableFuture<? extends StepResponse<O, C>> pending;
  /** What a step with {@code autoRetry = false} waits for; null while it does not wait. */
  private ManualWait wait;
  /** Whether the step's wait was recorded by an earlier run: it is not told again. */
  private boolean waitRecorded;

  // the outcome
  private Attempt last;
  private Throwable cause;
  private boolean skipped;

  // a durable run's (see Journal)
  /** What the step's compensation input is, for its record. */
  private Recorded recorded = Recorded.PLAIN;
  /**
   * The {@code @Parallel} group (or {@code noWait} step) the step is a member of; null for a step of
   * the run's sequence. A member's checkpoint never waits for the run's end, and its wait for a manual
   * retry ends when a sibling fails for good.
   */
  GroupCoordinator group;
  /** The checkpoint of the step's outcome: its number in the run's record; 0 in a run that is not recorded. */
  int sequence;
  /** In a run that is not recorded, when the step had its outcome: 1 for the first step of the run. */
  private int finishedAs;
  /** The recorded outcome the step replays; null if it runs. */
  private Checkpoint replayed;
  /** When the step began, for its checkpoint; null in a run that is not recorded. */
  private Instant began;

  /** What a step's compensation input is, for its record: plain data, a child run, a hook's call. */
  enum Recorded {
    PLAIN,
    /** A child workflow's run: not recorded; the child replays its own record. */
    CHILD,
    /** A hook's call: recorded as whether a handler took it (the output) and the hook's input. */
    HOOK
  }

  StepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition) {
    this.run = run;
    this.driver = run.driver();
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
    this.replayed = null;
    this.recorded = Recorded.PLAIN;
    this.waitRecorded = false;
    clearAnswer();
  }

  /** Tells the machine the step's compensation, from which it knows how to record the step. */
  final StepMachine<O, C> compensatedBy(Compensation<?> compensation) {
    if (compensation == Bodies.ChildCompensation.INSTANCE) {
      recorded = Recorded.CHILD;
    } else if (compensation instanceof Bodies.HookUndo) {
      recorded = Recorded.HOOK;
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
    return run.journal != null ? sequence : finishedAs;
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
          if (!beginWait()) {
            return; // the driver goes on once the application decides
          }
        }
        case DECIDE -> decide();
        case PARKED -> parked();
        default -> throw new IllegalStateException("phase " + phase);
      }
    }
  }

  /** Decides whether the step runs; false if a resumed step's retry pause goes on later. */
  private boolean condition() {
    record = run.record().start(position, step.name());
    Journal journal = run.journal;
    if (journal != null) {
      if ((stopsBeforeCondition && journal.suspension() != null) || journal.isSuspended()) {
        phase = OVER; // the caller sees the suspension, and stops the run here
        if (then != null) {
          then.run();
        }
        return true;
      }
      began = Instant.now();
      Checkpoint outcome = journal.replayStep(position);
      if (outcome != null) {
        return replay(outcome);
      }
      if (journal.unbegun() && (group != null || when != null || !recordsWithWork())) {
        // a step that acts outside the store acts once the run's beginning is durable; only a
        // sequential first step whose work is in the store's transaction carries the beginning itself
        if (!driver.await(run, journal.writeBeginning(), this)) {
          return false; // comes back here once it is, and stops there if it could not be recorded
        }
        return condition();
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

  /**
   * Takes the step's recorded outcome instead of running it. A child workflow's step that completed
   * runs its body again with the recorded attempt's number, so that the child replays its own
   * record. False if a resumed step pauses before its next attempt, and goes on later.
   */
  private boolean replay(Checkpoint outcome) {
    switch (outcome.kind()) {
      case ATTEMPT_FAILED -> {
        return resumeAfter(outcome);
      }
      case STEP_WAITING, RETRY_DECIDED, FAILURE_DECIDED -> {
        resumeDecided(outcome);
        return true;
      }
      default -> {
        // the step's outcome, below
      }
    }
    replayed = outcome;
    sequence = outcome.sequence();
    attempt = outcome.attempts();
    record.attempts = attempt;
    switch (outcome.kind()) {
      case STEP_SKIPPED -> {
        skipped = true;
        over();
      }
      case STEP_COMPLETED -> {
        if (recorded == Recorded.CHILD) {
          attempt = Math.max(1, attempt);
          phase = ATTEMPT;
          return true;
        }
        answered = true;
        if (recorded == Recorded.HOOK) {
          output = null;
          compensationInput = new Bodies.HookCall<>(Boolean.TRUE.equals(outcome.output()), outcome.compensationInput());
        } else {
          output = outcome.output();
          compensationInput = outcome.compensationInput();
        }
        over();
      }
      default -> { // STEP_TOLERATED, STEP_FAILED
        answered = true;
        compensationInput = outcome.compensationInput();
        partialWork = outcome.hasCompensationInput();
        cause = Journal.restore(outcome.error().orElseThrow());
        over();
      }
    }
    return true;
  }

  /**
   * A step whose last recorded event is a failed attempt: it goes on with the next attempt, after
   * what is left of the retry pause (counted from when the attempt failed, on the wall clock). The
   * condition was met, since an attempt ran: it is not evaluated again. False if the pause goes on
   * later.
   */
  private boolean resumeAfter(Checkpoint failedAttempt) {
    attempt = failedAttempt.attempts();
    record.attempts = attempt;
    Throwable stop = run.stopReason(step);
    if (stop != null) {
      fail(stop, attempt);
      return true;
    }
    if (!step.autoRetry()) {
      error = Journal.restore(failedAttempt.error().orElseThrow());
      last = new Attempt(run, step, attempt, false); // the recorded attempt, as the wait's event tells it
      phase = WAIT; // the application had not decided before the restart: the step waits again
      return true;
    }
    long pausedMillis = System.currentTimeMillis() - failedAttempt.ended().toEpochMilli();
    long left = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        Math.max(0, step.retryDelayMillis(attempt) - pausedMillis));
    error = Journal.restore(failedAttempt.error().orElseThrow());
    phase = RETRY;
    return driver.pause(run, left, true, this);
  }

  /**
   * A step whose last recorded event is its recorded wait for the application, or the decision that
   * ended it: a retry begins the next attempt at once, a failure fails the step with the recorded
   * error, and a wait not decided yet (the run was called again while it waits) stops the run again,
   * writing nothing.
   */
  private void resumeDecided(Checkpoint recorded) {
    attempt = recorded.attempts();
    record.attempts = attempt;
    last = new Attempt(run, step, attempt, false); // the recorded attempt, as the events tell it
    switch (recorded.kind()) {
      case RETRY_DECIDED -> {
        Throwable stop = run.stopReason(step);
        if (stop != null) {
          fail(stop, attempt);
          return;
        }
        attempt++;
        phase = ATTEMPT;
      }
      case FAILURE_DECIDED -> {
        error = Journal.restore(recorded.error().orElseThrow());
        giveUp();
      }
      default -> { // STEP_WAITING
        error = Journal.restore(recorded.error().orElseThrow());
        waitRecorded = true;
        phase = PARKED;
      }
    }
  }

  /** Whether the step replays a recorded outcome (a child's step that runs again to replay the child counts). */
  boolean replayed() {
    return replayed != null;
  }

  /**
   * Whether the step's failure lets the run go on: as recorded for a replayed step (the restored
   * exception is a stand-in), else by {@link Settlement#isTolerated}.
   */
  boolean tolerates(Throwable failure) {
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
        return true; // the wait is recorded as it begins: see beginWait
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
    return run.journal == null ? null : run.journal.append(List.of(
        Checkpoint.builder(run.journal.nextSequence(), CheckpointKind.ATTEMPT_FAILED, position, step.name())
            .attempts(attempt).error(error).build()), null);
  }

  /**
   * The step waits for the application to retry or fail it ({@code autoRetry = false}), holding no
   * thread in an asynchronous run; false if the decision comes later.
   */
  private boolean beginWait() {
    if (run.journal != null && run.journal.isSuspended()) {
      fail(run.journal.suspension(), attempt); // the failed attempt could not be recorded: stop here
      return true;
    }
    if (parks()) {
      phase = PARKED;
      Journal journal = run.journal;
      CompletableFuture<Void> written = journal.append(List.of(Checkpoint.builder(journal.nextSequence(),
          CheckpointKind.STEP_WAITING, position, step.name()).attempts(attempt).error(error).build()), null);
      return driver.await(run, written, this);
    }
    wait = run.beginWaiting(step, attempt);
    if (group != null) {
      group.waiting(wait);
    }
    Mdc.step(step);
    RunEvents.waiting(last, error);
    phase = DECIDE;
    return driver.await(run, wait.decided, this);
  }

  /**
   * Whether the step's wait is recorded and stops the run (see the class's Javadoc), rather than
   * waiting in memory.
   */
  private boolean parks() {
    return run.journal != null && group == null && run.parksWaits();
  }

  /**
   * The wait is durable (or was recorded before, by a run that stopped there): the run stops, and
   * its caller gets a {@link io.stepwise.runtime.WorkflowWaitingException}. A wait that could not be
   * recorded stops the run with the store's failure instead, and the next start resumes it.
   */
  private void parked() {
    Journal journal = run.journal;
    if (!journal.isSuspended()) {
      if (!waitRecorded) {
        Mdc.step(step);
        RunEvents.waiting(last, error);
      }
      journal.parked(step, attempt, error);
    }
    fail(journal.suspension(), attempt);
  }

  /**
   * The application decided (or a cancel, the deadline, or a sibling's failure for good ended the
   * wait): the next attempt, or the step fails.
   */
  private void decide() {
    ManualWait over = wait;
    wait = null;
    run.endWaiting(over);
    ManualWait.Decision decision = over.decided.join();
    if (decision == ManualWait.Decision.FAIL) {
      error = ManualWait.failedByApplication(run.spec(), run.transactionId(), step, attempt, error);
      giveUp();
      return;
    }
    if (decision == ManualWait.Decision.STOP && (run.journal == null || !run.journal.isSuspended())) {
      giveUp(); // with the attempt's error, as at the end of a retry pause; a cancel says so (cancelledDuring)
      return;
    }
    retry();
  }

  /** After the pause: the next attempt, unless the run must stop. */
  private void retry() {
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
  private void giveUp() {
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

  private void fail(Throwable failure, int attempts) {
    cause = failure;
    attempt = attempts;
    over();
  }

  private void over() {
    phase = OVER;
    finishedAs = run.nextFinish();
    Journal journal = run.journal;
    if (journal != null && replayed == null && !journal.isSuspended() && !(cause == null && recordedByAttempt())) {
      CompletableFuture<Void> written = recordOutcome(journal);
      if (written != null) {
        Runnable next = () -> {
          // a failure to record that the step tolerates (skipOnPermanentFailure, say) is recorded as
          // tolerated, so that a replay (a resume, a revert) does not call the step again
          CompletableFuture<Void> tolerated = unrecordable(written) && Settlement.isTolerated(step, cause)
              ? recordOutcome(journal) : null;
          if (tolerated == null || driver.await(run, tolerated, this::goOn)) {
            goOn();
          }
        };
        if (driver.await(run, written, next)) {
          next.run();
        }
        return; // else next runs once the checkpoint is durable
      }
    }
    goOn();
  }

  private void goOn() {
    if (then != null) {
      then.run();
    }
  }

  /**
   * A step whose outcome the store cannot record (its output's type cannot be written as JSON, say)
   * fails, with the store's error, which names the step and the type: trying again cannot help, and
   * a run that stopped there would fail the same way at every restart. True if it so fails now.
   */
  private boolean unrecordable(CompletableFuture<Void> written) {
    Throwable error = WorkflowRun.failureOf(written);
    if (error instanceof UnrecordableValueException && cause == null) {
      cause = error;
      output = null;
      compensationInput = null;
      partialWork = false;
      return true;
    }
    return false;
  }

  /**
   * Records the outcome of a step that did not halt the run; a failure that halts it is recorded
   * when the run is halted ({@link Compensator#halt}), with the number taken here. Null if nothing
   * is written now.
   */
  private CompletableFuture<Void> recordOutcome(Journal journal) {
    sequence = journal.nextSequence();
    Checkpoint.Builder checkpoint;
    if (skipped) {
      checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_SKIPPED, position, step.name());
    } else if (cause == null) {
      return journal.stepEnded(completed(sequence, attempt, output, compensationInput),
          group == null && position == run.spec().steps().size() - 1);
    } else if (Settlement.isTolerated(step, cause)) {
      checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_TOLERATED, position, step.name())
          .attempts(attempt).error(cause);
      if (partialWork && recorded == Recorded.PLAIN) {
        checkpoint.compensationInput(compensationInput);
      }
    } else {
      return null;
    }
    if (began != null) {
      checkpoint.started(began);
    }
    boolean last = group == null && position == run.spec().steps().size() - 1;
    return journal.stepEnded(checkpoint.build(), last);
  }

  /** The checkpoint of the step's completion, with its output and compensation input as the record keeps them. */
  final Checkpoint completed(int sequence, int attempts, Object output, Object compensationInput) {
    Checkpoint.Builder checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_COMPLETED, position, step.name())
        .attempts(attempts);
    switch (recorded) {
      case CHILD -> checkpoint.output(output).compensationInput(null);
      case HOOK -> {
        Bodies.HookCall<?> call = (Bodies.HookCall<?>) compensationInput;
        checkpoint.output(call.handled).compensationInput(call.input);
      }
      default -> checkpoint.output(output).compensationInput(compensationInput);
    }
    if (began != null) {
      checkpoint.started(began);
    }
    return checkpoint.build();
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
    if (run.journal == null || replayed != null) {
      return null;
    }
    Checkpoint.Builder checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_FAILED, position,
        step.name()).attempts(attempt).error(failure);
    if (partialWork && recorded == Recorded.PLAIN) {
      checkpoint.compensationInput(compensationInput);
    }
    if (began != null) {
      checkpoint.started(began);
    }
    return checkpoint.build();
  }

  /**
   * Ends the machine with a failure from outside it: its task was refused by the executor, or broke
   * down before the step had an outcome.
   */
  void crash(Throwable failure, int attempts) {
    replayed = null;
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
