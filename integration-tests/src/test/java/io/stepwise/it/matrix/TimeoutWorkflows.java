package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/** A step's timeout, and its retry after one. The same workflow, synchronous and asynchronous. */
final class TimeoutWorkflows {
  private TimeoutWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      TimeoutWorkflows_SyncRunner runner = new TimeoutWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      TimeoutWorkflows_AsyncRunner runner = new TimeoutWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("timeouts-sync")
  static final class Sync {
    @Step("book")
    String book(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "booking");
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      Probe.of(ctx).undo(ctx, booking);
    }

    @Step(value = "slow", timeout = "500ms", maxRetries = 1)
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

  @Workflow("timeouts-async")
  static final class Async {
    @Step("book")
    CompletableFuture<String> book(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "booking");
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      Probe.of(ctx).undo(ctx, booking);
    }

    @Step(value = "slow", timeout = "500ms", maxRetries = 1)
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
