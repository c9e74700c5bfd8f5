package io.stepwise.benchmarks;

import com.sun.management.ThreadMXBean;
import io.stepwise.runtime.RunOptions;
import java.lang.management.ManagementFactory;

/**
 * Not a benchmark: the runner against the hand-written saga measured in one JVM, in alternating
 * short rounds, keeping each variant's fastest round. On a shared machine JMH's averages swing
 * with whatever else runs (and its forks with their JIT); the fastest of thousands of rounds of
 * {@value #OPS} runs each is close to what the code costs when it has a core to itself, and the
 * variants compared saw the same machine. Then the bytes each variant allocates per run.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.stepwise.benchmarks.InterleavedMinimum [rounds]
 * }</pre>
 */
public final class InterleavedMinimum {
  private static final int OPS = 500;
  /** For each variant, the hand-written one it is compared with (itself for a hand-written one). */
  private static final int[] BASELINE = {0, 0, 0, 3, 3, 5, 5};
  private static volatile Object sink;

  private InterleavedMinimum() {}

  /** One variant: a run of the saga. */
  private interface Variant {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    QuietLogging.install();
    SagaWorkflowRunner runner = new SagaWorkflowRunner(new SagaWorkflow());
    HandWrittenSaga hand = new HandWrittenSaga();
    RunOptions given = RunOptions.builder().transactionId("bench-transaction").build();
    RunOptions noThrow = RunOptions.builder().throwOnError(false).build();
    Order ok = new Order(42, false);
    Order failing = new Order(42, true);
    AsyncBenchmark async = new AsyncBenchmark();
    async.setUp();
    String[] names = {"successHandWritten", "successRunner", "successRunnerGivenTxId", "failureHandWritten",
        "failureRunner", "asyncCompletedHandWritten", "asyncCompletedRunner"};
    Variant[] variants = {() -> hand.run(ok), () -> runner.run(ok), () -> runner.run(ok, given),
        () -> hand.run(failing), () -> runner.run(failing, noThrow), async::asyncCompletedHandWritten,
        async::asyncCompletedRunner};
    double[] fastest = new double[variants.length];
    java.util.Arrays.fill(fastest, Double.MAX_VALUE);
    for (int round = 0; round < rounds; round++) {
      for (int v = 0; v < variants.length; v++) {
        long start = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          sink = variants[v].run();
        }
        double perRun = (System.nanoTime() - start) / (double) OPS;
        if (round >= rounds / 5) { // the first fifth warms up
          fastest[v] = Math.min(fastest[v], perRun);
        }
      }
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int v = 0; v < variants.length; v++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 100_000; i++) {
        sink = variants[v].run();
      }
      long bytes = (threads.getThreadAllocatedBytes(thread) - before) / 100_000;
      int baseline = BASELINE[v];
      String ratio = baseline == v ? "" : String.format("  %.1fx %s", fastest[v] / fastest[baseline], names[baseline]);
      System.out.printf("%-26s %9.1f ns %6d B%s%n", names[v], fastest[v], bytes, ratio);
    }
    System.exit(0); // the async benchmark's pools
  }

}
