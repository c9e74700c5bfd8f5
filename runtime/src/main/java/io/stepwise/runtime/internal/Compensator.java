package io.stepwise.runtime.internal;

import io.stepwise.runtime.ChildCompensationException;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.internal.WorkflowRun.Halt;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Compensates steps of a run, one after the other in a given order, each with its retries and
 * retry pauses, on a {@link Driver}: the one place where a compensation is attempted. A step that
 * ran a child workflow is compensated by compensating the child's completed steps as a unit, with
 * the same compensator, in the child's run. Not API.
 *
 * <p>Each compensation's outcome is written in its step's {@link StepRecord} ({@code COMPENSATED},
 * or {@code NOT_COMPENSATED} with an error in the run's record). The future of {@link #compensate}
 * completes with the positions of the steps whose compensation failed for good, in the order they
 * were compensated.
 */
final class Compensator implements Runnable {
  private final Execution run;
  private final Driver driver;
  private final int[] todo;
  private final List<Integer> failedForGood = new ArrayList<>(0);
  private final CompletableFuture<List<Integer>> result = new CompletableFuture<>();
  private int index;
  private int attempt = 1;
  /** A child workflow being compensated as a unit: what it comes to (null, or the failure). */
  private CompletableFuture<Throwable> unit;
  /** The error of the attempt before a retry pause; null when not pausing. */
  private Throwable pausedAfter;

  private Compensator(Execution run, Driver driver, int[] todo) {
    this.run = run;
    this.driver = driver;
    this.todo = todo;
  }

  /** Compensates the steps at {@code positions} in this order; see the class comment for the future. */
  static CompletableFuture<List<Integer>> compensate(Execution run, Driver driver, int[] positions) {
    Compensator compensator = new Compensator(run, driver, positions);
    compensator.run();
    return compensator.result;
  }

  /**
   * Halts the run after the failures (see {@link Settlement#recordHalt}) and compensates it on the
   * run's driver: the future completes with the {@link Halt} to throw once the compensations are
   * over, and the run's status, REVERTED or FAILED, says how they went.
   */
  static CompletableFuture<Halt> halt(Execution run, List<Settlement.Failure> failed) {
    CompletableFuture<Void> noWaits = run.noWaitsRunning();
    if (noWaits == null) {
      return haltNow(run, run.withNoWaitFailures(failed));
    }
    // a noWait step that still runs finishes first, and is compensated with the rest if it completed
    CompletableFuture<Halt> halted = new CompletableFuture<>();
    Runnable halt = () -> haltNow(run, run.withNoWaitFailures(failed)).whenComplete((done, error) -> {
      if (error == null) {
        halted.complete(done);
      } else {
        halted.completeExceptionally(WorkflowRun.unwrap(error));
      }
    });
    if (run.driver().await(run, noWaits, halt)) {
      halt.run();
    }
    return halted;
  }

  private static CompletableFuture<Halt> haltNow(Execution run, List<Settlement.Failure> failed) {
    boolean childLeftWork = failed.stream().anyMatch(failure -> leftWorkUndone(failure.cause()));
    int[] todo = Settlement.recordHalt(run, failed);
    CompletableFuture<Halt> halted = new CompletableFuture<>();
    Runnable compensate = () -> {
      WorkflowSuspendedException suspended = run.suspension();
      if (suspended != null) {
        halted.completeExceptionally(suspended);
        return;
      }
      compensate(run, run.driver(), todo).whenComplete((notUndone, error) -> {
        if (error != null) {
          halted.completeExceptionally(WorkflowRun.unwrap(error));
          return;
        }
        RunRecord.Status status = notUndone.isEmpty() && !childLeftWork ? RunRecord.Status.REVERTED : RunRecord.Status.FAILED;
        run.record().status(status);
        RunEvents.compensationEnded(run, status);
        halted.complete(WorkflowRun.HALT);
      });
    };
    // a durable run records the failures before it compensates anything
    List<Checkpoint> checkpoints = new ArrayList<>(failed.size());
    for (Settlement.Failure failure : failed) {
      if (failure.checkpoint() != null) {
        checkpoints.add(failure.checkpoint());
      }
    }
    checkpoints.sort(Comparator.comparingInt(Checkpoint::sequence));
    CompletableFuture<Void> written = run.journal == null ? null : run.journal.append(checkpoints, null);
    if (written == null || run.driver().await(run, written, compensate)) {
      compensate.run();
    }
    return halted;
  }

  /**
   * Whether a step's failure is a child workflow that ended FAILED (one of its own compensations
   * failed): some of its work is not undone, so the parent cannot end REVERTED either. The child's
   * failure may be the suppressed exception of a cancel that stopped it.
   */
  private static boolean leftWorkUndone(Throwable cause) {
    if (cause instanceof WorkflowFailedException child) {
      return child.result().status() == WorkflowStatus.FAILED;
    }
    if (cause instanceof WorkflowCancelledException) {
      for (Throwable suppressed : cause.getSuppressed()) {
        if (leftWorkUndone(suppressed)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Compensates a completed child run as a unit, in the child's scope, on the parent's driver:
   * completes with null, or with the {@code ChildCompensationException} for the parent's step. The
   * steps whose compensation failed for good stay on the child's stack, for a retry of the parent
   * step's compensation.
   */
  static CompletableFuture<Throwable> compensateUnit(Execution child, Driver driver) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    child.inScope(() -> {
      RunRecord record = child.record();
      int errorsBefore = record.errors().size();
      compensate(child, driver, record.popAll()).thenAccept(failedAgain -> {
        record.pushBack(failedAgain); // back in order of completion
        outcome.complete(failedAgain.isEmpty() ? null : unitFailure(record, errorsBefore));
      });
    });
    return outcome;
  }

  private static ChildCompensationException unitFailure(RunRecord record, int errorsBefore) {
    String steps = java.util.Arrays.stream(record.stack())
        .mapToObj(position -> "'" + record.step(position).name + "'").collect(Collectors.joining(", "));
    ChildCompensationException e = new ChildCompensationException("compensation of child workflow '"
        + record.workflow + "' (transaction " + record.transactionId + ") failed for step(s) " + steps);
    List<StepError> errors = record.errors();
    errors.subList(errorsBefore, errors.size()).forEach(error -> e.addSuppressed(error.cause()));
    return e;
  }

  /** Goes on from the current compensation and attempt, until a wait or the end. */
  @Override
  public void run() {
    while (index < todo.length) {
      WorkflowSuspendedException suspended = run.suspension();
      if (suspended != null) {
        result.completeExceptionally(suspended);
        return;
      }
      int position = todo[index];
      StepSpec step = run.spec().steps().get(position);
      if (pausedAfter == null && unit == null && attempt == 1 && replayed(position, step)) {
        continue;
      }
      if (pausedAfter != null) {
        Throwable error = pausedAfter;
        pausedAfter = null;
        if (Thread.currentThread().isInterrupted()) {
          if (!failedForGood(position, step, error)) { // a blocking pause was interrupted: no retry
            return;
          }
          continue;
        }
        attempt++;
      }
      Throwable error;
      if (unit != null) {
        error = unit.join();
        unit = null;
        if (error == null) {
          RunEvents.compensated(new Attempt(run, step, attempt, true));
        }
      } else {
        Compensation<?> compensation = (Compensation<?>) run.compensations()[position];
        Object input = run.record().step(position).compensationInput;
        if (compensation instanceof Bodies.ChildCompensation && input instanceof ChildRun<?> child) {
          Mdc.step(step);
          unit = compensateUnit(child.run(), driver);
          if (!driver.await(run, unit, this)) {
            return; // goes on once the child's compensations are over
          }
          continue;
        }
        error = attempt(step, compensation, input);
      }
      if (error == null) {
        StepRecord record = run.record().step(position);
        record.status = StepRecord.Status.COMPENSATED;
        record.compensationAttempts = attempt;
        CompletableFuture<Void> written = recordOutcome(position, step, null);
        next();
        if (written != null && !driver.await(run, written, this)) {
          return; // goes on once the compensation is recorded
        }
      } else if (attempt < step.maxAttempts() && StepMachine.isRetryable(error)) {
        RunEvents.compensationRetrying(new Attempt(run, step, attempt, true), error);
        pausedAfter = error;
        if (!driver.pause(run, run.deadline().retryDelayNanos(step, attempt, true), false, this)) {
          return; // goes on after the pause
        }
      } else if (!failedForGood(position, step, error)) {
        return;
      }
    }
    result.complete(failedForGood);
  }

  /** One attempt at a compensation: null if it succeeded, else what it threw. */
  @SuppressWarnings("unchecked")
  private <C> Throwable attempt(StepSpec step, Compensation<C> compensation, Object input) {
    Attempt context = new Attempt(run, step, attempt, true);
    Mdc.step(step);
    try {
      compensation.compensate((C) input, context);
      RunEvents.compensated(context);
      return null;
    } catch (Throwable t) {
      run.fatal(t);
      return t;
    }
  }

  /**
   * A compensation failed for good: recorded in the run's errors; the run will end FAILED. False if
   * the compensator goes on later, once the failure is recorded.
   */
  private boolean failedForGood(int position, StepSpec step, Throwable error) {
    StepRecord record = run.record().step(position);
    record.status = StepRecord.Status.NOT_COMPENSATED;
    record.compensationAttempts = attempt;
    run.record().addError(new StepError(step.name(), StepPhase.COMPENSATE, error, attempt));
    RunEvents.compensationFailed(new Attempt(run, step, attempt, true), error);
    failedForGood.add(position);
    CompletableFuture<Void> written = recordOutcome(position, step, error);
    next();
    return written == null || driver.await(run, written, this);
  }

  /**
   * Takes the recorded outcome of the compensation of the step at {@code position} in a replayed
   * run: true if it had one (it is not run again), false if the compensation is to run.
   */
  private boolean replayed(int position, StepSpec step) {
    Checkpoint outcome = run.journal == null ? null : run.journal.replayCompensation(position);
    if (outcome == null) {
      return false;
    }
    StepRecord record = run.record().step(position);
    record.compensationAttempts = outcome.attempts();
    if (outcome.kind() == CheckpointKind.COMPENSATED) {
      record.status = StepRecord.Status.COMPENSATED;
    } else {
      record.status = StepRecord.Status.NOT_COMPENSATED;
      run.record().addError(new StepError(step.name(), StepPhase.COMPENSATE,
          Replay.restore(outcome.error().orElseThrow()), outcome.attempts()));
      failedForGood.add(position);
    }
    next();
    return true;
  }

  /** Records a compensation's outcome in a durable run: null if the run is not recorded. */
  private CompletableFuture<Void> recordOutcome(int position, StepSpec step, Throwable error) {
    Journal journal = run.journal;
    if (journal == null) {
      return null;
    }
    Checkpoint.Builder checkpoint = Checkpoint.builder(journal.nextSequence(),
        error == null ? CheckpointKind.COMPENSATED : CheckpointKind.COMPENSATION_FAILED, position, step.name())
        .attempts(attempt);
    if (error != null) {
      checkpoint.error(error);
    }
    return journal.append(List.of(checkpoint.build()), null);
  }

  private void next() {
    index++;
    attempt = 1;
  }
}
