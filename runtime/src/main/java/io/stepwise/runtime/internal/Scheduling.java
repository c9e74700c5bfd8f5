package io.stepwise.runtime.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's shared threads, created on first use: one daemon thread that fires step timeouts,
 * and the default pool of daemon threads for {@code @Parallel} steps and {@code runAsync}. Not API.
 */
final class Scheduling {
  private Scheduling() {}

  private static final class Timer {
    static final ScheduledExecutorService INSTANCE = create();

    // Executors.newSingleThreadScheduledExecutor returns a wrapper, not a ScheduledThreadPoolExecutor:
    // build the pool directly so that cancelled alarms can be removed at once.
    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("stepwise-timeout"));
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }

  private static final class Pool {
    static final ExecutorService INSTANCE = Executors.newCachedThreadPool(daemon("stepwise-worker"));
  }

  static ScheduledExecutorService timer() {
    return Timer.INSTANCE;
  }

  static ExecutorService pool() {
    return Pool.INSTANCE;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      // inheritThreadLocals = false: a pool thread is created by some run's thread, and must not carry
      // that run's MDC (slf4j's basic MDC is inheritable) into every later run it serves
      Thread thread = new Thread(null, runnable, prefix + "-" + count.incrementAndGet(), 0, false);
      thread.setDaemon(true);
      return thread;
    };
  }
}
