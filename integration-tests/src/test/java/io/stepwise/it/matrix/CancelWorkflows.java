package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/** Three steps to cancel a run between, during, or in a retry pause of. Synchronous and asynchronous. */
final class CancelWorkflows {
  private CancelWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      CancelWorkflows_SyncRunner runner = new CancelWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      CancelWorkflows_AsyncRunner runner = new CancelWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("cancels-sync")
  static final class Sync {
    @Step("first")
    String first(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "first");
    }

    @Compensate("first")
    void undoFirst(String first, StepContext ctx) {
      Probe.of(ctx).undo(ctx, first);
    }

    @Step(value = "second", maxRetries = 1, retryInterval = "10s")
    String second(@From("first") String first, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "second");
    }

    @Compensate("second")
    void undoSecond(String second, StepContext ctx) {
      Probe.of(ctx).undo(ctx, second);
    }

    @Step("third")
    String third(@From("second") String second, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "third");
    }

    @Compensate("third")
    void undoThird(String third, StepContext ctx) {
      Probe.of(ctx).undo(ctx, third);
    }
  }

  @Workflow("cancels-async")
  static final class Async {
    @Step("first")
    CompletableFuture<String> first(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "first");
    }

    @Compensate("first")
    void undoFirst(String first, StepContext ctx) {
      Probe.of(ctx).undo(ctx, first);
    }

    @Step(value = "second", maxRetries = 1, retryInterval = "10s")
    CompletableFuture<String> second(@From("first") String first, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "second");
    }

    @Compensate("second")
    void undoSecond(String second, StepContext ctx) {
      Probe.of(ctx).undo(ctx, second);
    }

    @Step("third")
    CompletableFuture<String> third(@From("second") String second, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "third");
    }

    @Compensate("third")
    void undoThird(String third, StepContext ctx) {
      Probe.of(ctx).undo(ctx, third);
    }
  }
}
