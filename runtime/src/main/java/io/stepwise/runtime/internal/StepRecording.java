package io.stepwise.runtime.internal;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What one step of a durable run writes to the run's {@link Journal} (a failed attempt, a wait for the
 * application, the step's outcome), and how the step takes its recorded outcome instead of calling the
 * step's code. The {@link StepMachine} of a durable run has one; a machine of a run that is not recorded
 * has none. Not API.
 */
final class StepRecording {
  private final StepMachine<?, ?> machine;
  final Journal journal;
  /** What the step's compensation input is, for its record. */
  private Recorded recorded = Recorded.PLAIN;
  /** The checkpoint of the step's outcome: its number in the run's record. */
  int sequence;
  /** The recorded outcome the step replays; null if it runs. */
  private Checkpoint replayed;
  /** When the step began, for its checkpoint. */
  Instant began;
  /** Whether the step's wait was recorded by an earlier run: it is not told again. */
  private boolean waitRecorded;

  /** What a step's compensation input is, for its record: plain data, a child run, a hook's call. */
  enum Recorded {
    PLAIN,
    /** A child workflow's run: not recorded; the child replays its own record. */
    CHILD,
    /** A hook's call: recorded as whether a handler took it (the output) and the hook's input. */
    HOOK
  }

  StepRecording(StepMachine<?, ?> machine, Journal journal) {
    this.machine = machine;
    this.journal = journal;
  }

  /** The machine is set up for its next step. */
  void reset() {
    replayed = null;
    recorded = Recorded.PLAIN;
    waitRecorded = false;
  }

  /** Tells the recording the step's compensation, from which it knows how to record the step. */
  void compensatedBy(Compensation<?> compensation) {
    if (compensation == Bodies.ChildCompensation.INSTANCE) {
      recorded = Recorded.CHILD;
    } else if (compensation instanceof Bodies.HookUndo) {
      recorded = Recorded.HOOK;
    }
  }

  /** The outcome the step replays; null if it runs. */
  Checkpoint replayed() {
    return replayed;
  }

  /** The machine ends for a reason from outside it (see {@link StepMachine#crash}): it replays nothing. */
  void crashed() {
    replayed = null;
  }

  // ---------------------------------------------------------------- replay

  /**
   * Takes the step's recorded outcome instead of running it. A child workflow's step that completed
   * runs its body again with the recorded attempt's number, so that the child replays its own
   * record. False if a resumed step pauses before its next attempt, and goes on later.
   */
  boolean replay(Checkpoint outcome) {
    StepMachine<?, ?> m = machine;
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
    m.attempt = outcome.attempts();
    m.record.attempts = m.attempt;
    switch (outcome.kind()) {
      case STEP_SKIPPED -> {
        m.skipped = true;
        m.over();
      }
      case STEP_COMPLETED -> {
        if (recorded == Recorded.CHILD) {
          m.attempt = Math.max(1, m.attempt);
          m.phase = StepMachine.ATTEMPT;
          return true;
        }
        m.answered = true;
        if (recorded == Recorded.HOOK) {
          m.output = null;
          m.compensationInput = new Bodies.HookCall<>(Boolean.TRUE.equals(outcome.output()), outcome.compensationInput());
        } else {
          m.output = outcome.output();
          m.compensationInput = outcome.compensationInput();
        }
        m.over();
      }
      default -> { // STEP_TOLERATED, STEP_FAILED
        m.answered = true;
        m.compensationInput = outcome.compensationInput();
        m.partialWork = outcome.hasCompensationInput();
        m.cause = Replay.restore(outcome.error().orElseThrow());
        m.over();
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
    StepMachine<?, ?> m = machine;
    int attempt = failedAttempt.attempts();
    m.attempt = attempt;
    m.record.attempts = attempt;
    Throwable stop = m.run.stopReason(m.step);
    if (stop != null) {
      m.fail(stop, attempt);
      return true;
    }
    if (!m.step.autoRetry()) {
      m.error = Replay.restore(failedAttempt.error().orElseThrow());
      m.last = new Attempt(m.run, m.step, attempt, false); // the recorded attempt, as the wait's event tells it
      m.phase = StepMachine.WAIT; // the application had not decided before the restart: the step waits again
      return true;
    }
    long pausedMillis = System.currentTimeMillis() - failedAttempt.ended().toEpochMilli();
    long left = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        Math.max(0, m.step.retryDelayMillis(attempt) - pausedMillis));
    m.error = Replay.restore(failedAttempt.error().orElseThrow());
    m.phase = StepMachine.RETRY;
    return m.driver.pause(m.run, left, true, m);
  }

  /**
   * A step whose last recorded event is its recorded wait for the application, or the decision that
   * ended it: a retry begins the next attempt at once, a failure fails the step with the recorded
   * error, and a wait not decided yet (the run was called again while it waits) stops the run again,
   * writing nothing.
   */
  private void resumeDecided(Checkpoint checkpoint) {
    StepMachine<?, ?> m = machine;
    int attempt = checkpoint.attempts();
    m.attempt = attempt;
    m.record.attempts = attempt;
    m.last = new Attempt(m.run, m.step, attempt, false); // the recorded attempt, as the events tell it
    switch (checkpoint.kind()) {
      case RETRY_DECIDED -> {
        Throwable stop = m.run.stopReason(m.step);
        if (stop != null) {
          m.fail(stop, attempt);
          return;
        }
        m.attempt++;
        m.phase = StepMachine.ATTEMPT;
      }
      case FAILURE_DECIDED -> {
        m.error = Replay.restore(checkpoint.error().orElseThrow());
        m.giveUp();
      }
      default -> { // STEP_WAITING
        m.error = Replay.restore(checkpoint.error().orElseThrow());
        waitRecorded = true;
        m.phase = StepMachine.PARKED;
      }
    }
  }

  // ---------------------------------------------------------------- recording

  /** Records the step's failed attempt. */
  CompletableFuture<Void> failedAttempt() {
    return append(CheckpointKind.ATTEMPT_FAILED);
  }

  /** Records that the step waits for the application to retry or fail it (see {@link StepMachine}'s PARKED). */
  CompletableFuture<Void> waiting() {
    return append(CheckpointKind.STEP_WAITING);
  }

  private CompletableFuture<Void> append(CheckpointKind kind) {
    StepMachine<?, ?> m = machine;
    return journal.append(List.of(Checkpoint.builder(journal.nextSequence(), kind, m.position, m.step.name())
        .attempts(m.attempt).error(m.error).build()), null);
  }

  /**
   * The wait is durable (or was recorded before, by a run that stopped there): the run stops, and
   * its caller gets a {@link io.stepwise.runtime.WorkflowWaitingException}. A wait that could not be
   * recorded stops the run with the store's failure instead, and the next start resumes it.
   */
  void parked() {
    StepMachine<?, ?> m = machine;
    if (!journal.isSuspended()) {
      if (!waitRecorded) {
        Mdc.step(m.step);
        RunEvents.waiting(m.last, m.error);
      }
      journal.parked(m.step, m.attempt, m.error);
    }
    m.fail(journal.suspension(), m.attempt);
  }

  /**
   * The step has its outcome: records it, unless it replays it, the run stopped at an earlier
   * checkpoint, the attempt recorded it with its work, or it halts the run. True if a checkpoint is
   * written: then the machine goes on once it is durable; false if it goes on now.
   */
  boolean outcomeWritten() {
    StepMachine<?, ?> m = machine;
    if (replayed != null || journal.isSuspended() || (m.cause == null && m.recordedByAttempt())) {
      return false;
    }
    CompletableFuture<Void> written = recordOutcome();
    if (written == null) {
      return false;
    }
    Runnable next = () -> {
      // a failure to record that the step tolerates (skipOnPermanentFailure, say) is recorded as
      // tolerated, so that a replay (a resume, a revert) does not call the step again
      CompletableFuture<Void> tolerated = unrecordable(written) && Settlement.isTolerated(m.step, m.cause)
          ? recordOutcome() : null;
      if (tolerated == null || m.driver.await(m.run, tolerated, m::goOn)) {
        m.goOn();
      }
    };
    if (m.driver.await(m.run, written, next)) {
      next.run();
    }
    return true; // else next runs once the checkpoint is durable
  }

  /**
   * A step whose outcome the store cannot record (its output's type cannot be written as JSON, say)
   * fails, with the store's error, which names the step and the type: trying again cannot help, and
   * a run that stopped there would fail the same way at every restart. True if it so fails now.
   */
  private boolean unrecordable(CompletableFuture<Void> written) {
    Throwable error = WorkflowRun.failureOf(written);
    StepMachine<?, ?> m = machine;
    if (error instanceof UnrecordableValueException && m.cause == null) {
      m.cause = error;
      m.output = null;
      m.compensationInput = null;
      m.partialWork = false;
      return true;
    }
    return false;
  }

  /**
   * Records the outcome of a step that did not halt the run; a failure that halts it is recorded
   * when the run is halted ({@link Compensator#halt}), with the number taken here. Null if nothing
   * is written now.
   */
  private CompletableFuture<Void> recordOutcome() {
    StepMachine<?, ?> m = machine;
    sequence = journal.nextSequence();
    boolean last = m.group == null && m.position == m.run.spec().steps().size() - 1;
    Checkpoint.Builder checkpoint;
    if (m.skipped) {
      checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_SKIPPED, m.position, m.step.name());
    } else if (m.cause == null) {
      return journal.stepEnded(completed(sequence, m.attempt, m.output, m.compensationInput), last);
    } else if (Settlement.isTolerated(m.step, m.cause)) {
      checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_TOLERATED, m.position, m.step.name())
          .attempts(m.attempt).error(m.cause);
      withPartialWork(checkpoint, m.partialWork);
    } else {
      return null;
    }
    return journal.stepEnded(started(checkpoint).build(), last);
  }

  /** The checkpoint of the step's completion, with its output and compensation input as the record keeps them. */
  Checkpoint completed(int sequence, int attempts, Object output, Object compensationInput) {
    StepMachine<?, ?> m = machine;
    Checkpoint.Builder checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_COMPLETED, m.position,
        m.step.name()).attempts(attempts);
    switch (recorded) {
      case CHILD -> checkpoint.output(output).compensationInput(null);
      case HOOK -> {
        Bodies.HookCall<?> call = (Bodies.HookCall<?>) compensationInput;
        checkpoint.output(call.handled).compensationInput(call.input);
      }
      default -> checkpoint.output(output).compensationInput(compensationInput);
    }
    return started(checkpoint).build();
  }

  /**
   * The checkpoint of the failure that halts the run, written when the run is halted ({@link
   * Compensator#halt}); null for a replayed failure, which is recorded already.
   */
  Checkpoint failed(Throwable failure, boolean partialWork) {
    if (replayed != null) {
      return null;
    }
    StepMachine<?, ?> m = machine;
    Checkpoint.Builder checkpoint = Checkpoint.builder(sequence, CheckpointKind.STEP_FAILED, m.position,
        m.step.name()).attempts(m.attempt).error(failure);
    withPartialWork(checkpoint, partialWork);
    return started(checkpoint).build();
  }

  /** A failure's checkpoint carries the partial work it hands over, if that is plain data. */
  private void withPartialWork(Checkpoint.Builder checkpoint, boolean partialWork) {
    if (partialWork && recorded == Recorded.PLAIN) {
      checkpoint.compensationInput(machine.compensationInput);
    }
  }

  private Checkpoint.Builder started(Checkpoint.Builder checkpoint) {
    return began != null ? checkpoint.started(began) : checkpoint;
  }
}
