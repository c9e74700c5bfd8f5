package io.stepwise.runtime;

import io.stepwise.runtime.internal.Engine;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Records every run of the runners bound to it in a {@link RunStore}, so that a process that crashes
 * (or is killed, or redeployed) mid-run finishes or compensates that run when it starts again.
 *
 * <pre>{@code
 * WorkflowEngine engine = WorkflowEngine.builder()
 *     .store(JdbcRunStore.create(dataSource))
 *     .build();
 * CreateRestockOrderWorkflowRunner runner = CreateRestockOrderWorkflowRunner.create(container, engine);
 * engine.start();   // resumes the runs a crash interrupted
 * ...
 * engine.close();   // lets runs in progress reach a checkpoint, then closes the store
 * }</pre>
 *
 * <p>Creating a runner with an engine registers its workflow (one runner per workflow name per
 * engine), before {@link #start()}. See {@code docs/durable-runs.md} for what is guaranteed.
 *
 * <p>A runner bound to an engine can also revert a run that ended {@code DONE}, from its record, in
 * any process on the store: {@code runner.revert(transactionId)} compensates its completed steps in
 * reverse order, and the run ends {@code REVERTED} (Medusa's cancel of a completed transaction).
 *
 * <p>Implemented by Stepwise only: build one with {@link #builder()}.
 */
public interface WorkflowEngine extends AutoCloseable {
  /** Starts an engine's configuration. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Resumes every unfinished run of the registered workflows (on Stepwise's pool, or on the
   * builder's executor), and from then on accepts runs. Returns once the runs are resumed (not
   * ended); {@link #recovery()} says how they end.
   *
   * @throws IllegalStateException if the engine was started or closed before
   */
  void start();

  /**
   * The runs that {@link #start()} resumed, each with how it ended; completes when all have ended or
   * wait for a manual retry ({@link Recovery#waiting()}), never if the engine was not started.
   */
  java.util.concurrent.CompletableFuture<Recovery> recovery();

  /**
   * The record of one run: its status, input, result, and each step's checkpoints (status,
   * attempts, times, errors), with values as the store gives them untyped (maps, lists, strings,
   * numbers for a JSON store). A run that returned in this process has its end in its timeline: if
   * its end is still being written (its last step recorded its own checkpoint), this waits for it.
   */
  Optional<StoredRun> timeline(String transactionId);

  /** The headers of the runs that match {@code query}, oldest first. */
  List<RunHeader> list(RunQuery query);

  /** The store the engine records in. */
  RunStore store();

  /**
   * Stops accepting runs, lets each run in progress go on to its next checkpoint (where it stops
   * without compensating, to be resumed by the next engine on the same store; a run that ends first
   * ends), waits for that at most the builder's {@link Builder#shutdownTimeout}, then closes the
   * store. Closing twice does nothing.
   */
  @Override
  void close();

  /**
   * What {@link #start()} resumed, and how those runs ended: {@code resumed} is {@code done +
   * reverted + failed + suspended + waiting}.
   *
   * @param waiting the resumed runs that wait for a manual retry ({@code @Step(autoRetry = false)})
   *     and had not ended when the recovery was counted: they wait for the runner's {@code
   *     retryXxx}/{@code failXxx} (or a cancel, or their deadline), and {@link #recovery()} does not
   *     wait for them
   */
  record Recovery(int resumed, int done, int reverted, int failed, int suspended, int notResumed, int waiting) {
    /** A recovery without waiting runs. */
    public Recovery(int resumed, int done, int reverted, int failed, int suspended, int notResumed) {
      this(resumed, done, reverted, failed, suspended, notResumed, 0);
    }

    @Override
    public String toString() {
      return resumed + " run(s) resumed: " + done + " DONE, " + reverted + " REVERTED, " + failed + " FAILED"
          + (suspended > 0 ? ", " + suspended + " stopped again before their end" : "")
          + (waiting > 0 ? ", " + waiting + " waiting for a manual retry (retryXxx/failXxx)" : "")
          + (notResumed > 0 ? "; " + notResumed + " not resumed (recorded by another definition of their workflow)" : "");
    }
  }

  /** Configures a {@link WorkflowEngine}. */
  final class Builder {
    RunStore store;
    Duration shutdownTimeout = Duration.ofSeconds(10);

    Builder() {}

    /** Where runs are recorded: a {@code JdbcRunStore}, or an {@code InMemoryRunStore} for tests. Required. */
    public Builder store(RunStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** How long {@link WorkflowEngine#close()} waits for runs in progress to reach a checkpoint; default 10 s. */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * @throws IllegalStateException if no store was given
     */
    public WorkflowEngine build() {
      if (store == null) {
        throw new IllegalStateException("WorkflowEngine needs a store: WorkflowEngine.builder()"
            + ".store(JdbcRunStore.create(dataSource)).build()");
      }
      return new Engine(store, shutdownTimeout);
    }
  }
}
