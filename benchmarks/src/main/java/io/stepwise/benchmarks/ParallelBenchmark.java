package io.stepwise.benchmarks;

import io.stepwise.runtime.WorkflowResult;
import java.util.concurrent.CompletableFuture;
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
 * Two trivial steps in a {@code @Parallel} group, then one step that adds their outputs
 * ({@link ParallelWorkflow}), against:
 *
 * <ul>
 *   <li>{@code parallelHandWrittenSequential}: the three calls one after the other on the caller's
 *       thread: what the work itself costs (trivial work gains nothing from threads).
 *   <li>{@code parallelHandWrittenFutures}: the two calls as {@code CompletableFuture.supplyAsync}
 *       on a cached pool of daemon threads (as the runtime's default executor is), joined, then the
 *       sum: what a hand-written parallel version costs.
 *   <li>{@code parallelRunnerSequentialSteps}: {@link SequentialWorkflow}, the same steps through a
 *       generated runner without {@code @Parallel}: the runner's cost without threads.
 *   <li>{@code parallelRunner}: the {@code @Parallel} workflow through its generated runner.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// A fixed, pre-touched heap: on a small VM, a heap that grows and shrinks makes the kernel's page
// faults (high system time) swing single iterations by 10x or more.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class ParallelBenchmark {
  private ParallelWorkflowRunner parallel;
  private SequentialWorkflowRunner sequential;
  private ExecutorService pool;
  private Order order; // non-final: not folded into a constant

  @Setup
  public void setUp() {
    QuietLogging.install();
    parallel = new ParallelWorkflowRunner(new ParallelWorkflow());
    sequential = new SequentialWorkflowRunner(new SequentialWorkflow());
    pool = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "bench-future");
      thread.setDaemon(true);
      return thread;
    });
    order = new Order(42, false);
    long expected = parallelHandWrittenSequential();
    if (parallelRunner().result() != expected || parallelRunnerSequentialSteps().result() != expected
        || parallelHandWrittenFutures() != expected) {
      throw new IllegalStateException("benchmark set-up check failed: the variants disagree");
    }
  }

  @TearDown
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public long parallelHandWrittenSequential() {
    long price = Steps.price(order);
    long stock = Steps.stock(order);
    return price + stock;
  }

  @Benchmark
  public long parallelHandWrittenFutures() {
    Order input = order;
    CompletableFuture<Long> price = CompletableFuture.supplyAsync(() -> Steps.price(input), pool);
    CompletableFuture<Long> stock = CompletableFuture.supplyAsync(() -> Steps.stock(input), pool);
    return price.join() + stock.join();
  }

  @Benchmark
  public WorkflowResult<Long> parallelRunnerSequentialSteps() {
    return sequential.run(order);
  }

  @Benchmark
  public WorkflowResult<Long> parallelRunner() {
    return parallel.run(order);
  }
}
