package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;

/** A {@code @Parallel} group of two steps, one with a timeout. The same workflow, synchronous and asynchronous. */
final class GroupWorkflows {
  private GroupWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      GroupWorkflows_SyncRunner runner = new GroupWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      GroupWorkflows_AsyncRunner runner = new GroupWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("groups-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "reserve", timeout = "500ms")
    @Parallel("prepare")
    String reserve(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step("label")
    @Parallel("prepare")
    StepResponse<String, String> label(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "label", "label-id"));
    }

    @Compensate("label")
    void voidLabel(String labelId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, labelId);
    }

    @Step("ship")
    String ship(@From("reserve") String reservation, @From("label") String label, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + reservation + " " + label);
    }
  }

  @Workflow("groups-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "reserve", timeout = "500ms")
    @Parallel("prepare")
    CompletableFuture<String> reserve(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step("label")
    @Parallel("prepare")
    CompletableFuture<StepResponse<String, String>> label(@From("order") String order, @Input Probe p,
        StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "label", "label-id"));
    }

    @Compensate("label")
    void voidLabel(String labelId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, labelId);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("reserve") String reservation, @From("label") String label, @Input Probe p,
        StepContext ctx) {
      return p.async(ctx, () -> "shipped " + reservation + " " + label);
    }
  }
}
