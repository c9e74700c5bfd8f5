package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link StepMachine} of a step that returns its result (not a {@code CompletionStage}): each
 * attempt calls it on the run's thread. It calls the three shapes of such a step itself (a {@link
 * StepResponse}, a plain value, {@code void}), so that a plain step needs no adapter around it. Not API.
 */
final class SyncStepMachine<O, C> extends StepMachine<O, C> {
  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int TIMED_OUT = 2;

  /** What the step returns: a {@link StepBody}, a {@link ValueBody} or a {@link VoidBody}. */
  enum Shape { RESPONSE, VALUE, VOID }

  private Shape shape;
  private Object body;

  /** A machine for {@code step}, whose {@code body} has this {@code shape}. */
  SyncStepMachine(Execution run, StepSpec step, Condition when, boolean stopsBeforeCondition, Shape shape, Object body) {
    super(run, step, when, stopsBeforeCondition);
    this.shape = shape;
    this.body = body;
  }

  /** A machine for one step after another (a synchronous run's), set up with {@link #prepare}. */
  SyncStepMachine(Execution run) {
    super(run, null, null, true);
  }

  /** Sets the machine up for {@code step}, whose {@code body} has this {@code shape}. */
  SyncStepMachine<O, C> prepare(StepSpec step, Condition when, Shape shape, Object body) {
    prepare(step, when, true);
    this.shape = shape;
    this.body = body;
    return this;
  }

  @Override
  CompletableFuture<StepResponse<O, C>> call(Attempt context) {
    try {
      long timeout = run.deadline().attemptTimeoutNanos(step);
      if (timeout == Long.MAX_VALUE) {
        invoke(context);
      } else {
        invokeWithTimeout(context, timeout);
      }
    } catch (Throwable t) {
      run.fatal(t);
      error = t;
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private void invoke(Attempt context) throws Exception {
    switch (shape) {
      case RESPONSE -> answerWith(((StepBody<O, C>) body).invoke(context));
      case VALUE -> answerValue(((ValueBody<?>) body).invoke(context));
      default -> {
        ((VoidBody) body).invoke(context);
        answerValue(null);
      }
    }
  }

  /**
   * Calls the step with a timeout (the step's, or what is left of the workflow's): a timer
   * interrupts the step's thread when it expires. The step still runs on this thread, so the run
   * waits for it to return (a step that ignores interrupts delays the run), discards what it
   * returned and fails the attempt.
   */
  private void invokeWithTimeout(Attempt context, long timeout) throws Exception {
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
      invoke(context);
      if (finishedInTime(state)) {
        return;
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
