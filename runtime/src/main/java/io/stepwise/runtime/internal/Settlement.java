package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.store.Checkpoint;
import java.util.List;

/**
 * What a step's outcome means for its run, written in the run's {@link RunRecord}: the one place
 * where a step is settled, for a step alone and for each step of a {@code @Parallel} group. Not API.
 *
 * <ul>
 *   <li>completed: its output is recorded, and its compensation (if it has one) goes on the stack;
 *   <li>skipped (by its condition, or after an earlier {@code skipOnPermanentFailure}): recorded,
 *       nothing else;
 *   <li>failed, and tolerated ({@code continueOn}/{@code skipOnPermanentFailure}): the error is
 *       recorded, partial work it handed over goes on the stack, and the run goes on (after a
 *       {@code skipOnPermanentFailure}, with the steps after it skipped: {@link Execution#skipAfter});
 *   <li>failed otherwise: a {@link Failure} that halts the run; {@link #recordHalt} records it and hands
 *       the stack to the {@link Compensator}.
 * </ul>
 */
final class Settlement {
  private Settlement() {}

  /**
   * A failure that halts the run: which step, why, after how many attempts, whether it left partial
   * work, and in a durable run the checkpoint that records it when the run is halted (null if
   * nothing is to be written: a run that is not recorded, a replayed failure).
   */
  record Failure(StepSpec step, int position, Throwable cause, int attempts, boolean partialWork, Checkpoint checkpoint) {}

  /**
   * Settles a step that has its outcome: null if the run goes on (the output, if any, is the
   * machine's {@link StepMachine#output()}), else the failure that halts it.
   */
  static <O, C> Failure settle(Execution run, StepMachine<O, C> step, Compensation<? super C> compensation) {
    RunRecord record = run.record();
    int position = step.position;
    if (step.skipped()) {
      record.step(position).status = StepRecord.Status.SKIPPED;
      return null;
    }
    Throwable cause = step.failure();
    if (cause == null) {
      StepRecord done = record.stepEnded(position, StepRecord.Status.COMPLETED);
      done.output = step.output();
      if (compensation != null) {
        stack(run, done, position, compensation, step.compensationInput());
      }
      return null;
    }
    boolean partialWork = step.handsOverPartialWork() && compensation != null;
    if (!step.tolerates(cause)) {
      StepRecord failed = record.stepEnded(position, StepRecord.Status.FAILED);
      if (partialWork) {
        failed.compensationInput = step.compensationInput();
        run.compensations()[position] = compensation;
      }
      return new Failure(step.step, position, cause, step.attempts(), partialWork,
          step.failedCheckpoint(cause, partialWork));
    }
    StepRecord tolerated = record.stepEnded(position, StepRecord.Status.TOLERATED);
    StepSpec spec = step.step;
    record.addError(new StepError(spec.name(), StepPhase.INVOKE, cause, step.attempts()));
    if (partialWork) {
      // compensated only if the run fails later
      stack(run, tolerated, position, compensation, step.compensationInput());
    }
    if (spec.onFailure() == StepSpec.OnFailure.SKIP) {
      run.skipAfter(spec); // a replayed failure too: a resumed run skips what the first skipped
    }
    if (!step.replayed()) {
      RunEvents.tolerated(run, spec, cause, step.attempts());
    }
    return null;
  }

  private static void stack(Execution run, StepRecord step, int position, Object compensation, Object input) {
    step.compensationInput = input;
    run.compensations()[position] = compensation;
    run.record().push(position);
  }

  /**
   * Whether the run goes on after this failure: the step has a failure option, and the failure is
   * the step's own, not a cancellation or the workflow's timeout (which stop the run whatever the step says).
   */
  static boolean isTolerated(StepSpec step, Throwable cause) {
    boolean stoppedRun = cause instanceof WorkflowCancelledException || cause instanceof WorkflowTimeoutException;
    return step.onFailure() != StepSpec.OnFailure.COMPENSATE && !stoppedRun;
  }

  /**
   * Halts the run: records the failures (several only in a {@code @Parallel} group; the first is the
   * run's), and returns what is to be compensated, in order: the failed steps' partial work first,
   * then every completed step, the most recent first. The run's stack is then empty.
   */
  static int[] recordHalt(Execution run, List<Failure> failed) {
    RunRecord record = run.record();
    record.endSteps(); // no step is left to stop: a cancel now returns false, as a finished run's does
    Failure first = failed.get(0);
    record.halt(first.step().name(), first.cause());
    for (Failure failure : failed) {
      if (failure.cause() instanceof RevertRequested) {
        continue; // a revert asked for, not a step's failure
      }
      record.addError(new StepError(failure.step().name(), StepPhase.INVOKE, failure.cause(), failure.attempts()));
    }
    for (int i = failed.size() - 1; i >= 0; i--) {
      if (failed.get(i).partialWork()) {
        record.push(failed.get(i).position()); // on top, so that they come first, in order
      }
    }
    RunEvents.compensationBegins(run, first.step(), first.cause(), first.attempts(), record.stackSize());
    return record.popAll();
  }
}
