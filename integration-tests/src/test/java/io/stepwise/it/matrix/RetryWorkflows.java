package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * Retries: a step retried after pauses that grow by a backoff up to a cap, a step retried at once;
 * compensations retried with their step's pauses. The same workflow, synchronous and asynchronous.
 */
final class RetryWorkflows {
  private RetryWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      RetryWorkflows_SyncRunner runner = new RetryWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      RetryWorkflows_AsyncRunner runner = new RetryWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("retries-sync")
  static final class Sync {
    @Step("first")
    String first(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "first");
    }

    @Compensate("first")
    void undoFirst(String first, StepContext ctx) {
      Probe.of(ctx).undo(ctx, first);
    }

    @Step(value = "flaky", maxRetries = 3, retryInterval = "20ms", backoff = 4.0, maxRetryInterval = "40ms")
    String flaky(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "flaky@" + ctx.attempt());
    }

    @Compensate("flaky")
    void undoFlaky(String flaky, StepContext ctx) {
      Probe.of(ctx).undo(ctx, flaky);
    }

    @Step(value = "last", maxRetries = 1)
    String last(@From("flaky") String flaky, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "last after " + flaky);
    }
  }

  @Workflow("retries-async")
  static final class Async {
    @Step("first")
    CompletableFuture<String> first(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "first");
    }

    @Compensate("first")
    void undoFirst(String first, StepContext ctx) {
      Probe.of(ctx).undo(ctx, first);
    }

    @Step(value = "flaky", maxRetries = 3, retryInterval = "20ms", backoff = 4.0, maxRetryInterval = "40ms")
    CompletableFuture<String> flaky(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "flaky@" + ctx.attempt());
    }

    @Compensate("flaky")
    void undoFlaky(String flaky, StepContext ctx) {
      Probe.of(ctx).undo(ctx, flaky);
    }

    @Step(value = "last", maxRetries = 1)
    CompletableFuture<String> last(@From("flaky") String flaky, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "last after " + flaky);
    }
  }
}
