package io.stepwise.it.matrix;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * A parent that runs a child workflow as a step ({@code @ChildWorkflow}), and the child. Both the
 * same, synchronous and asynchronous: the synchronous parent runs the synchronous child, the
 * asynchronous parent the asynchronous child.
 */
final class ChildWorkflows {
  private ChildWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      ChildWorkflows_SyncRunner runner = new ChildWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      ChildWorkflows_AsyncRunner runner = new ChildWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("children-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "ship", timeout = "250ms")
    @ChildWorkflow(ParcelSync.class)
    Probe ship(@From("order") String order, @Input Probe p) {
      return p;
    }

    @Step("confirm")
    String confirm(@From("ship") String parcel, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "confirmed " + parcel);
    }
  }

  @Workflow("children-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "ship", timeout = "250ms")
    @ChildWorkflow(ParcelAsync.class)
    Probe ship(@From("order") String order, @Input Probe p) {
      return p;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("ship") String parcel, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "confirmed " + parcel);
    }
  }

  /** The child of the synchronous parent. */
  @Workflow("parcel-sync")
  static final class ParcelSync {
    @Step("pack")
    String pack(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "box");
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      Probe.of(ctx).undo(ctx, box);
    }

    @Step("label")
    String label(@From("pack") String box, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "labelled " + box);
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      Probe.of(ctx).undo(ctx, label);
    }
  }

  /** The child of the asynchronous parent. */
  @Workflow("parcel-async")
  static final class ParcelAsync {
    @Step("pack")
    CompletableFuture<String> pack(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "box");
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      Probe.of(ctx).undo(ctx, box);
    }

    @Step("label")
    CompletableFuture<String> label(@From("pack") String box, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "labelled " + box);
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      Probe.of(ctx).undo(ctx, label);
    }
  }
}
