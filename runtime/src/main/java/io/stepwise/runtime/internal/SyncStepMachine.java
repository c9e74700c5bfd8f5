package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link StepMachine} of a step that returns its response (not a {@code CompletionStage}): each
 * attempt calls it on the run's thread. Not API.
 */
final class SyncStepMachine<O, C> extends StepMachine<O, C> {
  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int TIMED_OUT = 2;

  private final StepBody<O, C> body;

  SyncStepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition, StepBody<O, C> body) {
    super(run, step, when, stopsBeforeCondition);
    this.body = body;
  }

  @Override
  CompletableFuture<StepResponse<O, C>> call(Attempt context) {
    try {
      response = invokeWithTimeout(context);
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    }
    return null;
  }

  /**
   * Calls the step. With a timeout (the step's, or what is left of the workflow's), a timer
   * interrupts the step's thread when it expires; the step still runs on this thread, so the run
   * waits for it to return (a step that ignores interrupts delays the run), discards what it
   * returned and fails the attempt.
   */
  private StepResponse<O, C> invokeWithTimeout(Attempt context) throws Exception {
    long timeout = run.deadline().attemptTimeoutNanos(step);
    if (timeout == Long.MAX_VALUE) {
      return body.invoke(context);
    }
    boolean workflowLimited = Deadline.isWorkflowLimit(step, timeout);
    if (timeout <= 0) {
      throw Deadline.timedOut(context, true);
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
    throw Deadline.timedOut(context, workflowLimited);
  }

  private static boolean finishedInTime(AtomicInteger state) {
    synchronized (state) {
      return state.compareAndSet(RUNNING, FINISHED);
    }
  }
}
