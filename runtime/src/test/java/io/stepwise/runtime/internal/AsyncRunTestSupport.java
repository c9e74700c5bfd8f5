package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.fixtures.CountingExecutor;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * The set-up that the tests of {@link AsyncRun} share: a fresh {@link Script} and {@link Stages} per
 * test, the runs' ONE-thread {@link CountingExecutor} ({@code run-exec-1}), a {@link RecordingListener},
 * a pool for callers that block, and a 10 s limit on each test (inherited by the subclasses). After
 * each test the executor and the pool are shut down and the test thread's MDC is cleared.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class AsyncRunTestSupport {
  final Script script = new Script();
  final Stages stages = new Stages();
  final CountingExecutor executor = new CountingExecutor("run-exec");
  final RecordingListener listener = new RecordingListener();
  /** For callers that block ({@code run}, a synchronous parent); it starts no thread until a test submits. */
  final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    executor.close();
    callers.shutdownNow();
    MDC.clear();
  }

  /** Transaction id {@code tx}, {@code throwOnError(false)} and the run on {@link #executor}; no listener yet. */
  RunOptions.Builder optionsBuilder(String tx) {
    return RunOptions.builder().transactionId(tx).throwOnError(false).executor(executor);
  }

  /** {@link #optionsBuilder} with {@link #listener}. */
  RunOptions options(String tx) {
    return optionsBuilder(tx).listener(listener).build();
  }

  /**
   * The future's value; a future that failed is an {@link AssertionError} with the cause. A run that
   * never ends fails the test at its 10 s limit (this wait's 30 s is only a backstop): on a loaded
   * machine, under PIT's coverage, 5 000 retries took longer than the 5 s this wait used to allow.
   */
  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the run failed", e.getCause());
    }
  }

  /** Each error as {@code step/phase/attempts}. */
  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
