package io.stepwise.benchmarks;

import io.stepwise.runtime.internal.TransactionIds;
import io.stepwise.runtime.internal.WorkflowRun;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * what the runner's overhead consists of. These replay what the runtime does; they are not
 * the runtime's code paths themselves (except the transaction id, which is).
 *
 * <ul>
 *   <li>{@code partTransactionId}: {@code TransactionIds.next()}, the fresh UUIDv7 of each run
 *       without a given transaction id.
 *   <li>{@code partMdcOfOneRun}: the MDC traffic of one successful 3-step synchronous run (3 get,
 *       5 put, 3 remove: the caller's three keys read once, the run's two keys set once, the step key
 *       set for each step, and the caller's keys given back at the end).
 *   <li>{@code partRunRegistry}: what {@code RunRegistry} does per synchronous run, for {@code
 *       cancel}: push the run on its thread's own stack of runs (a thread-local lookup, a write, a
 *       release store of the count), and pop it.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class OverheadPartsBenchmark {
  private final ThreadLocal<Runs> threadRuns = ThreadLocal.withInitial(Runs::new);
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
    String outerStep = MDC.get(WorkflowRun.MDC_STEP);
    MDC.put(WorkflowRun.MDC_TRANSACTION_ID, transactionId);
    MDC.put(WorkflowRun.MDC_WORKFLOW, workflow);
    for (int i = 0; i < 3; i++) {
      MDC.put(WorkflowRun.MDC_STEP, step);
    }
    restore(WorkflowRun.MDC_TRANSACTION_ID, outerTransactionId);
    restore(WorkflowRun.MDC_WORKFLOW, outerWorkflow);
    restore(WorkflowRun.MDC_STEP, outerStep);
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
  public Object partRunRegistry() {
    Object run = new Object();
    Runs runs = threadRuns.get();
    int n = runs.size;
    runs.runs[n] = run;
    SIZE.setRelease(runs, n + 1);
    Object top = runs.runs[n];
    SIZE.setRelease(runs, n);
    runs.runs[n] = null;
    return top;
  }

  /** A thread's stack of runs, as RunRegistry keeps it. */
  static final class Runs {
    final Object[] runs = new Object[4];
    volatile int size;
  }

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(Runs.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
