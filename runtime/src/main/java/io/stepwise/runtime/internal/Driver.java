package io.stepwise.runtime.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run waits and goes on: the one difference between a synchronous and an asynchronous run.
 * The step machine, the compensator and the group coordinator ask their driver to wait for a
 * future or to pause before a retry; {@link #BLOCKING} waits on the run's thread, {@link #TIMERS}
 * waits on nothing, and goes on in a new segment of the run on its executor. Not API.
 *
 * <p>Both methods return true when the wait is already over and the caller goes on at once, in a
 * loop (never by recursion: a run that retries at once a thousand times must not grow the stack);
 * false when {@code next} will run later, which the caller then leaves to it.
 */
abstract class Driver {
  private static final Logger log = LoggerFactory.getLogger(Driver.class);

  /** A synchronous run's: it blocks the run's thread. */
  static final Driver BLOCKING = new Blocking();
  /** An asynchronous run's: timers, and a new segment of the run when a wait is over. */
  static final Driver TIMERS = new Timers();

  /** A pause ends early on a cancel within this many milliseconds. */
  static final long PAUSE_SLICE_MILLIS = 50;

  private Driver() {}

  /** Waits for {@code future} to complete (normally or not); then {@code next}, unless it already has. */
  abstract boolean await(Execution run, CompletableFuture<?> future, Runnable next);

  /**
   * Pauses for {@code nanos} before a retry; then {@code next}, unless the pause is already over. A
   * {@code cancellable} pause (a step's, not a compensation's) ends early when the run is cancelled,
   * and a blocking one when the thread is interrupted: the caller looks at the run afterwards.
   */
  abstract boolean pause(Execution run, long nanos, boolean cancellable, Runnable next);

  private static final class Blocking extends Driver {
    @Override
    boolean await(Execution run, CompletableFuture<?> future, Runnable next) {
      try {
        future.join(); // uninterruptible: what is awaited (a group's steps) must finish first
      } catch (CompletionException | CancellationException e) {
        // the caller reads the failure from the future
      }
      return true;
    }

    @Override
    boolean pause(Execution run, long nanos, boolean cancellable, Runnable next) {
      long end = System.nanoTime() + nanos;
      for (long left = nanos; left > 0; left = end - System.nanoTime()) {
        if (cancellable && run.isCancelled()) {
          return true;
        }
        try {
          // round up, so the pause never ends before it is over (nor before the deadline it was cut to)
          Thread.sleep(Math.min((left + 999_999) / 1_000_000, PAUSE_SLICE_MILLIS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the caller sees it, and gives up
          return true;
        }
      }
      return true;
    }
  }

  private static final class Timers extends Driver {
    @Override
    boolean await(Execution run, CompletableFuture<?> future, Runnable next) {
      if (future.isDone()) {
        return true;
      }
      // never go on on the thread that completed the future (an HTTP client's, say)
      future.whenComplete((value, error) -> hop(run, next));
      return false;
    }

    @Override
    boolean pause(Execution run, long nanos, boolean cancellable, Runnable next) {
      if (nanos <= 0) {
        return true;
      }
      if (cancellable) {
        tick(run, System.nanoTime() + nanos, next);
      } else {
        Scheduling.timer().schedule(() -> hop(run, next), nanos, TimeUnit.NANOSECONDS);
      }
      return false;
    }

    /**
     * Goes on with the run on its executor, in its scope: after a future completed on a thread that
     * is not the run's (an HTTP client's, say), or after a timer. If the executor refuses the task,
     * the run goes on in Stepwise's pool rather than being lost.
     */
    private static void hop(Execution run, Runnable next) {
      Runnable segment = () -> {
        try {
          run.inScope(next);
        } catch (RuntimeException | Error e) {
          // a bug, or a fatal error of the JVM: the executor would swallow it, and the run would wait forever
          log.error("Workflow '{}' ({}) a segment of the run failed; the run cannot go on", run.spec().name(),
              run.transactionId(), e);
          throw e;
        }
      };
      try {
        run.executor().execute(segment);
      } catch (RejectedExecutionException e) {
        // never go on inline: this may be the timer's thread, or the thread of whoever completed a stage
        log.warn("Workflow '{}' ({}) executor rejected the run's next segment; it goes on in Stepwise's pool",
            run.spec().name(), run.transactionId());
        Scheduling.pool().execute(segment);
      }
    }

    /** One slice of a cancellable pause: a cancel ends it at the next slice. */
    private static void tick(Execution run, long end, Runnable next) {
      long left = end - System.nanoTime();
      if (left <= 0 || run.isCancelled()) {
        hop(run, next);
      } else {
        Scheduling.timer().schedule(() -> tick(run, end, next),
            Math.min(left, TimeUnit.MILLISECONDS.toNanos(PAUSE_SLICE_MILLIS)), TimeUnit.NANOSECONDS);
      }
    }
  }
}
