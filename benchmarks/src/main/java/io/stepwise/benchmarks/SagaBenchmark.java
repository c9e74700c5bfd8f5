package io.stepwise.benchmarks;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
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

/**
 * The 3-step saga of {@link SagaWorkflow} through its generated runner, against the same steps
 * written by hand ({@link HandWrittenSaga}), in the same run. Each benchmark is one whole run of the
 * saga; the returned result is consumed by JMH.
 *
 * <ul>
 *   <li>{@code successHandWritten}: baseline, all 3 steps succeed.
 *   <li>{@code successRunner}: {@code runner.run(order)}, default options (a fresh transaction id).
 *   <li>{@code successRunnerGivenTxId}: as above with a transaction id given in the options (built
 *       once): the difference is the cost of generating a transaction id.
 *   <li>{@code successRunnerWithListener}: as {@code successRunner} with one counting listener.
 *   <li>{@code failureHandWritten}: baseline, the third step throws; the two compensations run.
 *   <li>{@code failureRunner}: the third step throws, the two compensations run, and the run returns
 *       its {@code REVERTED} result ({@code throwOnError(false)}).
 * </ul>
 *
 * Logging: see {@link QuietLogging} (nothing printed, every log call runs up to its level check,
 * a real thread-local MDC).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// A fixed, pre-touched heap: on a small VM, a heap that grows and shrinks makes the kernel's page
// faults (high system time) swing single iterations by 10x or more.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class SagaBenchmark {
  private SagaWorkflowRunner runner;
  private HandWrittenSaga handWritten;
  private RunOptions noThrow;
  private RunOptions givenTxId;
  private RunOptions withListener;
  // non-final fields, so that the JIT cannot fold the inputs into constants
  private Order ok;
  private Order failing;

  @Setup
  public void setUp() {
    QuietLogging.install();
    runner = new SagaWorkflowRunner(new SagaWorkflow());
    handWritten = new HandWrittenSaga();
    noThrow = RunOptions.builder().throwOnError(false).build();
    givenTxId = RunOptions.builder().transactionId("bench-transaction").build();
    withListener = RunOptions.builder().listener(new CountingListener()).build();
    ok = new Order(42, false);
    failing = new Order(42, true);
    check();
  }

  /** Each benchmark does what its name says, or the run stops here. */
  private void check() {
    expect(successRunner().status() == WorkflowStatus.DONE
        && successRunner().result() == successHandWritten().charged(), "runner success");
    expect(successRunnerGivenTxId().transactionId().equals("bench-transaction"), "given transaction id");
    expect(successRunnerWithListener().isDone(), "runner with listener");
    WorkflowResult<Long> failed = failureRunner();
    expect(failed.status() == WorkflowStatus.REVERTED && failed.errors().size() == 1, "runner failure");
    expect(failureHandWritten().error() != null, "hand-written failure");
    expect(successHandWritten().error() == null, "hand-written success");
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up check failed: " + what);
    }
  }

  @Benchmark
  public HandWrittenSaga.Outcome successHandWritten() {
    return handWritten.run(ok);
  }

  @Benchmark
  public WorkflowResult<Long> successRunner() {
    return runner.run(ok);
  }

  @Benchmark
  public WorkflowResult<Long> successRunnerGivenTxId() {
    return runner.run(ok, givenTxId);
  }

  @Benchmark
  public WorkflowResult<Long> successRunnerWithListener() {
    return runner.run(ok, withListener);
  }

  @Benchmark
  public HandWrittenSaga.Outcome failureHandWritten() {
    return handWritten.run(failing);
  }

  @Benchmark
  public WorkflowResult<Long> failureRunner() {
    return runner.run(failing, noThrow);
  }
}
