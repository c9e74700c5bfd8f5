package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Hook;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.HookCompensation;
import io.stepwise.runtime.HookHandler;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code @Hook} between two steps, with the application's handler and its compensation. The same
 * workflow, synchronous and asynchronous (a hook method returns its input synchronously on both).
 */
final class HookWorkflows {
  private HookWorkflows() {}

  /**
   * This path's runner, with {@code handler} and {@code compensation} registered on the hook;
   * without a compensation, or without a handler, where they are null.
   */
  static Runner<String> runner(Path path, HookHandler<String> handler, HookCompensation<String> compensation) {
    return path.pick(() -> {
      HookWorkflows_SyncRunner runner = new HookWorkflows_SyncRunner(new Sync());
      if (compensation != null) {
        runner.onOrderPlaced(handler, compensation);
      } else if (handler != null) {
        runner.onOrderPlaced(handler);
      }
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      HookWorkflows_AsyncRunner runner = new HookWorkflows_AsyncRunner(new Async());
      if (compensation != null) {
        runner.onOrderPlaced(handler, compensation);
      } else if (handler != null) {
        runner.onOrderPlaced(handler);
      }
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("hooks-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Hook("order-placed")
    String orderPlaced(@From("order") String order) {
      return order;
    }

    @Step("confirm")
    String confirm(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "confirmed " + order);
    }
  }

  @Workflow("hooks-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Hook("order-placed")
    String orderPlaced(@From("order") String order) {
      return order;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "confirmed " + order);
    }
  }
}
