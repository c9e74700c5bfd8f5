package io.stepwise.benchmarks;

import io.stepwise.runtime.RunOptions;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a benchmark: counts the thread hand-offs behind {@link AsyncBenchmark}'s remote variants, to
 * read their times. The runner's hop after a step is conditional (none when the step's future is
 * already complete by the time the run looks at it), so its count depends on a race with the remote
 * thread; {@code thenComposeAsync} always hands off. The runner runs here with a counting executor
 * in its {@code RunOptions} (over a cached daemon pool, as the runtime's default is), since the
 * default pool cannot be wrapped.
 *
 * <pre>java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.stepwise.benchmarks.AsyncHopCount [runs]</pre>
 */
public final class AsyncHopCount {
  private AsyncHopCount() {}

  public static void main(String[] args) {
    QuietLogging.install();
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    ExecutorService remote = Executors.newCachedThreadPool(daemon("bench-remote"));
    ExecutorService pool = Executors.newCachedThreadPool(daemon("bench-saga"));
    AtomicLong handOffs = new AtomicLong();
    Executor counting = task -> {
      handOffs.incrementAndGet();
      pool.execute(task);
    };
    RunOptions options = RunOptions.builder().executor(counting).build();
    AsyncSagaWorkflowRunner runner = new AsyncSagaWorkflowRunner(new AsyncSagaWorkflow(new AsyncSteps(remote)));
    HandWrittenAsyncSaga handWritten = new HandWrittenAsyncSaga(new AsyncSteps(remote));
    Order order = new Order(42, false);
    for (int round = 1; round <= 3; round++) { // the first round runs mostly interpreted
      handOffs.set(0);
      for (int i = 0; i < runs; i++) {
        runner.run(order, options);
      }
      double run = handOffs.get() / (double) runs;
      handOffs.set(0);
      for (int i = 0; i < runs; i++) {
        runner.runAsync(order, options).join();
      }
      double runAsync = handOffs.get() / (double) runs;
      handOffs.set(0);
      for (int i = 0; i < runs; i++) {
        handWritten.run(order, counting).join();
      }
      double thenComposeAsync = handOffs.get() / (double) runs;
      System.out.printf("round %d, %d runs each: executor hand-offs per run (besides the 3 remote calls): "
          + "runner run() %.2f, runner runAsync() %.2f, hand-written thenComposeAsync %.2f%n",
          round, runs, run, runAsync, thenComposeAsync);
    }
    remote.shutdownNow();
    pool.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
