package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * The workflow's timeout: it stops the running step (without a retry) or a retry pause, and no later
 * step starts. The same workflow, synchronous and asynchronous.
 */
final class DeadlineWorkflows {
  private DeadlineWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      DeadlineWorkflows_SyncRunner runner = new DeadlineWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      DeadlineWorkflows_AsyncRunner runner = new DeadlineWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow(value = "deadline-sync", timeout = "1s")
  static final class Sync {
    @Step("quick")
    String quick(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "quick");
    }

    @Compensate("quick")
    void undoQuick(String quick, StepContext ctx) {
      Probe.of(ctx).undo(ctx, quick);
    }

    @Step(value = "long", maxRetries = 2, retryInterval = "10s")
    String longStep(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "long");
    }

    @Compensate("long")
    void undoLong(String value, StepContext ctx) {
      Probe.of(ctx).undo(ctx, value);
    }

    @Step("never")
    String never(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "never");
    }
  }

  @Workflow(value = "deadline-async", timeout = "1s")
  static final class Async {
    @Step("quick")
    CompletableFuture<String> quick(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "quick");
    }

    @Compensate("quick")
    void undoQuick(String quick, StepContext ctx) {
      Probe.of(ctx).undo(ctx, quick);
    }

    @Step(value = "long", maxRetries = 2, retryInterval = "10s")
    CompletableFuture<String> longStep(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "long");
    }

    @Compensate("long")
    void undoLong(String value, StepContext ctx) {
      Probe.of(ctx).undo(ctx, value);
    }

    @Step("never")
    CompletableFuture<String> never(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "never");
    }
  }
}
