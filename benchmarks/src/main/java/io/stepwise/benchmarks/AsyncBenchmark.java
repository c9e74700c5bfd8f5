package io.stepwise.benchmarks;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The 3-step saga with asynchronous steps ({@link AsyncSagaWorkflow}) through its generated runner,
 * against the same steps chained by hand ({@link HandWrittenAsyncSaga}), in the same run. Each
 * benchmark is one whole run of the saga, waited for; the result is consumed by JMH.
 *
 * <p>Steps whose futures are already complete ({@link AsyncSteps} without a remote executor):
 * <ul>
 *   <li>{@code asyncCompletedHandWritten}: baseline, {@code thenCompose} chain, joined.
 *   <li>{@code asyncCompletedRunner}: {@code runner.run(order)}: the run starts on the calling
 *       thread and, as every future is complete, ends there.
 *   <li>{@code asyncCompletedRunnerRunAsync}: {@code runner.runAsync(order).join()}: the run is
 *       handed to the runtime's default pool first, so one thread hand-off.
 * </ul>
 *
 * <p>Steps whose futures complete on another thread ({@code supplyAsync}/{@code runAsync} on a cached
 * pool of daemon threads, {@code bench-remote}):
 * <ul>
 *   <li>{@code asyncRemoteHandWritten}: baseline, {@code thenComposeAsync} on the saga's own cached
 *       daemon pool ({@code bench-saga}): after each step the saga goes on on its own executor, never
 *       on the remote thread, as the runner does.
 *   <li>{@code asyncRemoteHandWrittenNoHop}: {@code thenCompose}: each continuation runs on the
 *       remote thread that completed the step (the fewest hand-offs; fine here, unwise with an HTTP
 *       client's threads).
 *   <li>{@code asyncRemoteRunner}: {@code runner.run(order)}: starts on the calling thread, then
 *       goes on on the runtime's default pool after each remote completion.
 *   <li>{@code asyncRemoteRunnerRunAsync}: {@code runner.runAsync(order).join()}.
 * </ul>
 *
 * <p>For comparison, the synchronous saga in the same run: {@code syncHandWritten} and
 * {@code syncRunner}, as {@code SagaBenchmark.successHandWritten} and {@code successRunner}.
 *
 * <p>Runner runs use default options (a fresh transaction id per run). Logging: see
 * {@link QuietLogging}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// A fixed, pre-touched heap: on a small VM, a heap that grows and shrinks makes the kernel's page
// faults (high system time) swing single iterations by 10x or more.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class AsyncBenchmark {
  private ExecutorService remote;
  private ExecutorService sagaPool;
  private AsyncSagaWorkflowRunner completedRunner;
  private AsyncSagaWorkflowRunner remoteRunner;
  private HandWrittenAsyncSaga completedHandWritten;
  private HandWrittenAsyncSaga remoteHandWritten;
  private SagaWorkflowRunner syncRunner;
  private HandWrittenSaga syncHandWritten;
  // non-final fields, so that the JIT cannot fold the inputs into constants
  private Order ok;

  @Setup
  public void setUp() {
    QuietLogging.install();
    remote = daemonPool("bench-remote");
    sagaPool = daemonPool("bench-saga");
    completedRunner = new AsyncSagaWorkflowRunner(new AsyncSagaWorkflow(new AsyncSteps(null)));
    remoteRunner = new AsyncSagaWorkflowRunner(new AsyncSagaWorkflow(new AsyncSteps(remote)));
    completedHandWritten = new HandWrittenAsyncSaga(new AsyncSteps(null));
    remoteHandWritten = new HandWrittenAsyncSaga(new AsyncSteps(remote));
    syncRunner = new SagaWorkflowRunner(new SagaWorkflow());
    syncHandWritten = new HandWrittenSaga();
    ok = new Order(42, false);
    check();
  }

  @TearDown
  public void tearDown() {
    remote.shutdownNow();
    sagaPool.shutdownNow();
  }

  private static ExecutorService daemonPool(String name) {
    return Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Each benchmark does what its name says, or the run stops here. */
  private void check() {
    long expected = syncHandWritten().charged();
    expect(asyncCompletedHandWritten().charged() == expected && asyncCompletedHandWritten().error() == null,
        "hand-written, completed futures");
    expect(asyncRemoteHandWritten().charged() == expected && asyncRemoteHandWritten().error() == null,
        "hand-written, remote futures");
    expect(asyncRemoteHandWrittenNoHop().charged() == expected && asyncRemoteHandWrittenNoHop().error() == null,
        "hand-written, remote futures, no hop");
    expectDone(asyncCompletedRunner(), expected, "runner, completed futures");
    expectDone(asyncCompletedRunnerRunAsync(), expected, "runner, completed futures, runAsync");
    expectDone(asyncRemoteRunner(), expected, "runner, remote futures");
    expectDone(asyncRemoteRunnerRunAsync(), expected, "runner, remote futures, runAsync");
    expectDone(syncRunner(), expected, "synchronous runner");

    // the failure path works alike (not benchmarked): the third step fails, two compensations run
    Order failing = new Order(42, true);
    RunOptions noThrow = RunOptions.builder().throwOnError(false).build();
    for (boolean remoteSteps : new boolean[] {false, true}) {
      AsyncSagaWorkflow workflow = new AsyncSagaWorkflow(new AsyncSteps(remoteSteps ? remote : null));
      WorkflowResult<Long> failed = new AsyncSagaWorkflowRunner(workflow).run(failing, noThrow);
      expect(failed.status() == WorkflowStatus.REVERTED && failed.errors().size() == 1
          && workflow.released == 42 && workflow.refunded == expected, "runner failure, remote " + remoteSteps);
      HandWrittenAsyncSaga saga = new HandWrittenAsyncSaga(new AsyncSteps(remoteSteps ? remote : null));
      HandWrittenAsyncSaga.Outcome outcome = remoteSteps ? saga.run(failing, sagaPool).join() : saga.run(failing).join();
      expect(outcome.error() instanceof IllegalStateException && saga.released == 42 && saga.refunded == expected,
          "hand-written failure, remote " + remoteSteps);
    }
  }

  private static void expectDone(WorkflowResult<Long> result, long expected, String what) {
    expect(result.status() == WorkflowStatus.DONE && result.result() == expected, what);
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up check failed: " + what);
    }
  }

  // ---------------------------------------------------------------- futures already complete

  @Benchmark
  public HandWrittenAsyncSaga.Outcome asyncCompletedHandWritten() {
    return completedHandWritten.run(ok).join();
  }

  @Benchmark
  public WorkflowResult<Long> asyncCompletedRunner() {
    return completedRunner.run(ok);
  }

  @Benchmark
  public WorkflowResult<Long> asyncCompletedRunnerRunAsync() {
    return completedRunner.runAsync(ok).join();
  }

  // ---------------------------------------------------------------- futures completed on another thread

  @Benchmark
  public HandWrittenAsyncSaga.Outcome asyncRemoteHandWritten() {
    return remoteHandWritten.run(ok, sagaPool).join();
  }

  @Benchmark
  public HandWrittenAsyncSaga.Outcome asyncRemoteHandWrittenNoHop() {
    return remoteHandWritten.run(ok).join();
  }

  @Benchmark
  public WorkflowResult<Long> asyncRemoteRunner() {
    return remoteRunner.run(ok);
  }

  @Benchmark
  public WorkflowResult<Long> asyncRemoteRunnerRunAsync() {
    return remoteRunner.runAsync(ok).join();
  }

  // ---------------------------------------------------------------- the synchronous saga, for comparison

  @Benchmark
  public HandWrittenSaga.Outcome syncHandWritten() {
    return syncHandWritten.run(ok);
  }

  @Benchmark
  public WorkflowResult<Long> syncRunner() {
    return syncRunner.run(ok);
  }
}
