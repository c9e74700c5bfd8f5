package io.stepwise.benchmarks;

import io.stepwise.runtime.internal.TransactionIds;
import io.stepwise.runtime.internal.WorkflowRun;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * Parts of the per-run cost of {@code SagaBenchmark.successRunner}, each measured alone, to tell
 * what the runner's overhead consists of. These replay what {@code WorkflowRun} does; they are not
 * the runtime's code paths themselves (except the transaction id, which is).
 *
 * <ul>
 *   <li>{@code partTransactionId}: {@code TransactionIds.next()}, the fresh UUIDv7 of each run
 *       without a given transaction id.
 *   <li>{@code partMdcOfOneRun}: the MDC traffic of one successful 3-step run (5 get, 5 put,
 *       5 remove: the run's two keys, and the step key set and restored around each step).
 *   <li>{@code partRunRegistry}: what {@code RunRegistry} does per run, for {@code cancel}: add a
 *       fresh object to a concurrent identity-hashed set, and remove it.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class OverheadPartsBenchmark {
  private final Set<Object> active = ConcurrentHashMap.newKeySet();
  private String transactionId;
  private String workflow;
  private String step;

  @Setup
  public void setUp() {
    QuietLogging.install();
    transactionId = TransactionIds.next();
    workflow = "bench-saga";
    step = "reserve";
  }

  @Benchmark
  public String partTransactionId() {
    return TransactionIds.next();
  }

  @Benchmark
  public String partMdcOfOneRun() {
    String outerTransactionId = MDC.get(WorkflowRun.MDC_TRANSACTION_ID);
    String outerWorkflow = MDC.get(WorkflowRun.MDC_WORKFLOW);
    MDC.put(WorkflowRun.MDC_TRANSACTION_ID, transactionId);
    MDC.put(WorkflowRun.MDC_WORKFLOW, workflow);
    for (int i = 0; i < 3; i++) {
      String outerStep = MDC.get(WorkflowRun.MDC_STEP);
      MDC.put(WorkflowRun.MDC_STEP, step);
      restore(WorkflowRun.MDC_STEP, outerStep);
    }
    restore(WorkflowRun.MDC_TRANSACTION_ID, outerTransactionId);
    restore(WorkflowRun.MDC_WORKFLOW, outerWorkflow);
    return outerWorkflow;
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Benchmark
  public boolean partRunRegistry() {
    Object run = new Object();
    active.add(run);
    return active.remove(run);
  }
}
