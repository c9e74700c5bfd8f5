package io.stepwise.it.matrix;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The generated runners of a workflow pair behind one face, so that one test drives either: each
 * pair's {@code runner(Path)} wraps the runner the processor generated for that path.
 */
interface Runner<R> {
  WorkflowResult<R> run(Probe probe, RunOptions options);

  CompletableFuture<WorkflowResult<R>> runAsync(Probe probe, RunOptions options);

  boolean cancel(String transactionId);

  /** Runs with the probe's options: its transaction id, its listener, {@code throwOnError(false)}. */
  default WorkflowResult<R> run(Probe probe) {
    return run(probe, probe.options().build());
  }

  /**
   * Runs with {@code runAsync}, cancels the run while its held step ({@link Probe#hold}) works (and
   * once the calls {@code started} have been made too), lets the step finish, and returns the result.
   */
  default WorkflowResult<R> runCancellingTheHeldStep(Probe probe, String... started) throws Exception {
    CompletableFuture<WorkflowResult<R>> run = runAsync(probe, probe.options().build());
    assertTrue(probe.entered.await(5, TimeUnit.SECONDS), "the held step was entered: " + probe);
    for (String call : started) {
      assertTrue(probe.awaitCall(call), call + " was made: " + probe);
    }
    assertTrue(cancel(probe.id), "the run was found");
    probe.release();
    WorkflowResult<R> result = run.get(5, TimeUnit.SECONDS);
    assertFalse(cancel(probe.id), "the run is over");
    return result;
  }

  static <R> Runner<R> of(BiFunction<Probe, RunOptions, WorkflowResult<R>> run,
      BiFunction<Probe, RunOptions, CompletableFuture<WorkflowResult<R>>> runAsync, Predicate<String> cancel) {
    return new Runner<>() {
      @Override
      public WorkflowResult<R> run(Probe probe, RunOptions options) {
        return run.apply(probe, options);
      }

      @Override
      public CompletableFuture<WorkflowResult<R>> runAsync(Probe probe, RunOptions options) {
        return runAsync.apply(probe, options);
      }

      @Override
      public boolean cancel(String transactionId) {
        return cancel.test(transactionId);
      }
    };
  }
}
