package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * A step whose timed-out attempt fails it at once ({@code retryOnTimeout = false}, as in Medusa), while
 * its other failures are retried. The same workflow, synchronous and asynchronous.
 */
final class FailFastTimeoutWorkflows {
  private FailFastTimeoutWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      FailFastTimeoutWorkflows_SyncRunner runner = new FailFastTimeoutWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      FailFastTimeoutWorkflows_AsyncRunner runner = new FailFastTimeoutWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("fail-fast-timeouts-sync")
  static final class Sync {
    @Step("book")
    String book(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "booking");
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      Probe.of(ctx).undo(ctx, booking);
    }

    @Step(value = "slow", timeout = "500ms", maxRetries = 2, retryOnTimeout = false)
    String slow(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "slow@" + ctx.attempt());
    }

    @Compensate("slow")
    void undoSlow(String slow, StepContext ctx) {
      Probe.of(ctx).undo(ctx, slow);
    }

    @Step("ship")
    String ship(@From("slow") String slow, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped after " + slow);
    }
  }

  @Workflow("fail-fast-timeouts-async")
  static final class Async {
    @Step("book")
    CompletableFuture<String> book(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "booking");
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      Probe.of(ctx).undo(ctx, booking);
    }

    @Step(value = "slow", timeout = "500ms", maxRetries = 2, retryOnTimeout = false)
    CompletableFuture<String> slow(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "slow@" + ctx.attempt());
    }

    @Compensate("slow")
    void undoSlow(String slow, StepContext ctx) {
      Probe.of(ctx).undo(ctx, slow);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("slow") String slow, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped after " + slow);
    }
  }
}
